// libyaml from Debian's libyaml-dev (pkg-config yaml-0.1): only the event parser is used.
#include <yaml.h>
