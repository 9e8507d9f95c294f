/* cmd_languages.c — `kiln languages`: every definition, installed or not. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/json.h"

int cmd_languages(int argc, char **argv)
{
    int rc;
    bool json = cli_json_flag(argc, argv,
                           "usage: kiln languages [--json]\n"
                           "Lists every language definition: name, aliases, version, and whether\n"
                           "its toolchain is installed (the version comes from the toolchain).\n",
                           &rc);
    if (rc >= 0)
        return rc;
    kiln_engine *e = cli_engine();
    if (!e)
        return CLI_EXIT_XX;
    cJSON *doc = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(doc, "languages");
    if (!json)
        printf("%-12s %-22s %-12s %s\n", "NAME", "ALIASES", "VERSION", "STATUS");
    for (size_t i = 0; i < kiln_language_count(e); i++) {
        struct kiln_language_info li;
        char version[64] = "", err[256] = "";
        kiln_language_get(e, i, &li);
        if (li.available && kiln_language_version(e, li.name, version, sizeof version, err,
                                                  sizeof err) < 0)
            snprintf(version, sizeof version, "?");
        if (!json) {
            printf("%-12s %-22s %-12s %s%s%s", li.name, li.aliases, li.available ? version : "-",
                   li.available ? "available" : "unavailable: ", li.missing ? li.missing : "",
                   li.missing ? " not installed" : "");
            if (li.missing && li.packages[0])
                printf(" (make languages LANGS=%s)", li.name);
            putchar('\n');
            continue;
        }
        cJSON *l = cJSON_CreateObject();
        cJSON_AddStringToObject(l, "name", li.name);
        cJSON_AddStringToObject(l, "display", li.display);
        json_add_words(cJSON_AddArrayToObject(l, "aliases"), li.aliases);
        cJSON_AddStringToObject(l, "version", version);
        cJSON_AddBoolToObject(l, "available", li.available);
        cJSON_AddBoolToObject(l, "compiled", li.compiled);
        json_add_words(cJSON_AddArrayToObject(l, "packages"), li.packages);
        if (li.missing)
            cJSON_AddStringToObject(l, "missing", li.missing);
        cJSON_AddItemToArray(list, l);
    }
    rc = 0;
    if (json && json_print(doc) < 0)
        rc = CLI_EXIT_XX;
    cJSON_Delete(doc);
    kiln_engine_destroy(e);
    return rc;
}
