// Only the top-level headers: /usr/include/cmark-gfm/ holds internal headers
// that must stay off the include path.
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm-core-extensions.h>
