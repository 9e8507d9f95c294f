/* file_name.c — kiln_file_name_valid, the public face of the jail's file-name
 * rule. Apart from engine.c so that a request parser (src/server/json_req.c)
 * links it without the engine and the jail: its unit test and fuzz targets
 * stay pure code. */
#include "jail/box_path.h"
#include "kiln.h"

bool kiln_file_name_valid(const char *name)
{
    return box_path_valid(name);
}
