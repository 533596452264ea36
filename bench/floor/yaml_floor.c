/* The ledger floor: parse every .yml file under a folder with libyaml's event
 * parser (no document tree, no values kept) and print the number of events.
 * This is what a machine must do at least to read the ledgers; bench/compare
 * times `tongbao build` on a ledger site against it.
 *
 * Usage: yaml_floor DIR    (build with bench/floor/build.sh)
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

static unsigned long long events;
static unsigned long files;
static int failed;

static int parse_file(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) { perror(path); return -1; }
    yaml_parser_t parser;
    yaml_event_t event;
    if (!yaml_parser_initialize(&parser)) { fclose(file); return -1; }
    yaml_parser_set_input_file(&parser, file);
    int done = 0, status = 0;
    while (!done) {
        if (!yaml_parser_parse(&parser, &event)) {
            fprintf(stderr, "%s:%zu:%zu: %s\n", path, parser.problem_mark.line + 1,
                    parser.problem_mark.column + 1, parser.problem ? parser.problem : "parse error");
            status = -1;
            break;
        }
        done = event.type == YAML_STREAM_END_EVENT;
        events++;
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    fclose(file);
    return status;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)st; (void)ftw;
    size_t n = strlen(path);
    if (type == FTW_F && n > 4 && strcmp(path + n - 4, ".yml") == 0) {
        files++;
        if (parse_file(path) != 0) failed = 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s DIR\n", argv[0]); return 2; }
    if (nftw(argv[1], visit, 16, FTW_PHYS) != 0) { perror(argv[1]); return 2; }
    printf("%lu files, %llu events\n", files, events);
    return failed;
}
