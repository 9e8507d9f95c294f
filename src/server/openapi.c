/* openapi.c — the OpenAPI 3.0 document of the service.
 *
 * Written with ' for " so that it reads as JSON in C; no text in it holds
 * an apostrophe. It is parsed once at startup (a syntax error fails there
 * and in the unit tests) and served minified. Keep it in step with
 * route_v1.c, route_v2.c, json_req.c and docs/api.md. */
#include "server/openapi.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "kiln.h"

#define ERROR_CODES                                                                               \
    "['malformed_json','too_deep','missing_field','invalid_field','invalid_utf8',"                \
    "'unknown_language','language_unavailable','unknown_version','limit_out_of_range',"           \
    "'invalid_request','body_too_large','unsupported_media_type','not_found',"                    \
    "'method_not_allowed','unauthorized','rate_limited','concurrency_limit','queue_full',"        \
    "'pool_busy','shutting_down','sandbox_error','internal_error','unknown_profile',"         \
    "'profile_exceeded','policy_violation','mode_unsupported','session_limit',"                  \
    "'session_not_found','session_ended','upgrade_required','submission_not_found',"             \
    "'not_queued','callback_not_allowed','queue_unavailable']"

#define STATUSES "['OK','RE','SG','TO','ML','OL','CE','XX']"

#define REF(name) "{'$ref':'#/components/schemas/" name "'}"
#define JSON_BODY(schema) "{'content':{'application/json':{'schema':" schema "}}"
#define RESPONSE(text, schema) "{'description':'" text "','content':{'application/json':"     \
    "{'schema':" schema "}}}"
#define INT "{'type':'integer'}"
#define ENVELOPE(data) "{'type':'object','required':['success','data'],'properties':{"    \
    "'success':{'type':'boolean'},'data':" data "}}"
#define STR "{'type':'string'}"
#define BOOL "{'type':'boolean'}"
#define NSTR "{'type':'string','nullable':true}"
/* Security events: the syscalls the seccomp policy denied, with counts. */
#define DENIED                                                                        \
    "{'type':'array','items':{'type':'object','required':['syscall','count'],"         \
    "'properties':{'syscall':{'type':'string'},'count':{'type':'integer'}}}}"
#define NINT "{'type':'integer','nullable':true}"
/* Interpret mode in a request, and the value it gives back. */
#define MODE_FIELDS                                                                           \
    "'mode':{'type':'string','enum':['script','interpret'],'description':'interpret: "       \
    "javascript, typescript and python evaluate as a REPL does; the value of the last "      \
    "expression (or of a top-level return, awaited) comes back as result'},"                 \
    "'context':{'description':'with mode interpret: any JSON value, the global context of " \
    "the code'},"
#define VALUE_FIELDS(text, truncated)                                                         \
    "'result':{'nullable':true,'description':'interpret mode: the value as JSON, null when " \
    "it has no JSON form'},'" text "':{'type':'string','nullable':true,'description':"       \
    "'interpret mode: the value as the language shows it (repr, util.inspect)'},'"            \
    truncated "':" "{'type':'boolean'},"

/* The errors an execute route answers with, in the shape of its API. */
/* An execute reply: its JSON, or with Accept: text/event-stream the run's
 * events (docs/api.md, Streaming), the last of them that JSON. */
#define EXEC_OK(text, schema) "{'description':'" text "','content':{'application/json':"    \
    "{'schema':" schema "},'text/event-stream':{'schema':" STR "}}}"
#define EXEC_ERRORS(schema)                                                                       \
    "'400':" RESPONSE("bad input: JSON, a field, the language, a limit", schema) ","              \
    "'401':" RESPONSE("API keys are configured and none valid was given", schema) ","             \
    "'403':" RESPONSE("the code breaks a content rule of its profile (policy_violation)",         \
                      schema) ","                                                                 \
    "'405':" RESPONSE("wrong method (the Allow header names the right one)", schema) ","          \
    "'413':" RESPONSE("body larger than max_body", schema) ","                                    \
    "'415':" RESPONSE("Content-Type is not JSON (text/plain is accepted)", schema) ","            \
    "'429':" RESPONSE("per-key rate or concurrency limit (see Retry-After)", schema) ","          \
    "'500':" RESPONSE("the sandbox failed, not the program", schema) ","                          \
    "'503':" RESPONSE("queue full, language pool busy, shutting down (see Retry-After)", schema)

static const char DOC[] =
    "{'openapi':'3.0.3',"
    "'info':{'title':'kiln','version':'" KILN_VERSION "',"
    "'description':'Runs untrusted code in a Linux jail. /api/v1 follows the API of Valkode, "
    "/api/v2 the API of Piston. Times are in ms; memory in bytes except memoryLimit (MiB).'},"
    "'paths':{"
    "'/api/v1/health':{'get':{'summary':'Status, pool and per-language figures',"
    "'responses':{'200':" RESPONSE("ok", REF("Health")) ","
    "'503':" RESPONSE("shutting down: status is draining", REF("Health")) "}}},"
    "'/api/v1/languages':{'get':{'summary':'Names and aliases of the languages that run here',"
    "'responses':{'200':" RESPONSE("ok", REF("Languages")) "}}},"
    "'/api/v1/execute':{'post':{'summary':'Run code (Valkode)',"
    "'requestBody':" JSON_BODY(REF("ExecuteV1Request")) ",'required':true},"
    "'responses':{'200':" EXEC_OK("the program ran; data.success tells if it exited with 0",
                                  REF("ExecuteV1Response")) "," EXEC_ERRORS(REF("ErrorV1")) "}}},"
    "'/api/v2/runtimes':{'get':{'summary':'Languages and versions (Piston)',"
    "'responses':{'200':" RESPONSE("ok", "{'type':'array','items':" REF("Runtime") "}") "}}},"
    "'/api/v2/execute':{'post':{'summary':'Run files (Piston)',"
    "'requestBody':" JSON_BODY(REF("ExecuteV2Request")) ",'required':true},"
    "'responses':{'200':" EXEC_OK("the program ran (or failed to compile)",
                                  REF("ExecuteV2Response")) "," EXEC_ERRORS(REF("ErrorV2")) "}}},"
    "'/api/v2/connect':{'get':{'summary':'An interactive run over a WebSocket (Piston): "
    "init, then stdin data, eof and signals in; runtime, stage, data, violation, "
    "memory-warning, exit and error messages out (docs/api.md)',"
    "'responses':{'101':{'description':'switching to the WebSocket protocol'},"
    "'400':" RESPONSE("Sec-WebSocket-Key is not 16 bytes in base64", REF("ErrorV2")) ","
    "'401':" RESPONSE("API keys are configured and none valid was given", REF("ErrorV2")) ","
    "'426':" RESPONSE("not a WebSocket handshake, or not version 13", REF("ErrorV2")) ","
    "'429':" RESPONSE("the rate or concurrency limit of the API key", REF("ErrorV2")) ","
    "'503':" RESPONSE("every run place is taken, or the server is stopping", REF("ErrorV2"))
    "}}},"
    "'/metrics':{'get':{'summary':'Prometheus text exposition',"
    "'responses':{'200':{'description':'ok','content':{'text/plain':{'schema':" STR "}}},"
    "'401':" RESPONSE("API keys are configured and none valid was given", REF("ErrorV1")) "}}},"
    "'/api/openapi.json':{'get':{'summary':'This document',"
    "'responses':{'200':" RESPONSE("ok", "{'type':'object'}") "}}},"
    "'/api/v1/sessions':{"
    "'post':{'summary':'Open a session: a jailed process of its own, kept across cells',"
    "'requestBody':" JSON_BODY(REF("SessionRequest")) ",'required':true},"
    "'responses':{'201':" RESPONSE("opened", ENVELOPE(REF("Session"))) ","
    EXEC_ERRORS(REF("ErrorV1")) "}},"
    "'get':{'summary':'The sessions of the API key (open, and ended ones still remembered)',"
    "'responses':{'200':" RESPONSE("ok", ENVELOPE("{'type':'array','items':" REF("Session") "}"))
    "," EXEC_ERRORS(REF("ErrorV1")) "}}},"
    "'/api/v1/sessions/{id}':{"
    "'get':{'summary':'A session: state, counts, memory, per-session metrics',"
    "'responses':{'200':" RESPONSE("ok", ENVELOPE(REF("Session"))) ","
    "'404':" RESPONSE("no such session for this API key", REF("ErrorV1")) ","
    EXEC_ERRORS(REF("ErrorV1")) "}},"
    "'delete':{'summary':'End and forget a session; ?graceful=1 waits for the running cell',"
    "'responses':{'200':" RESPONSE("deleted", ENVELOPE("{'type':'object','required':['id',"
    "'deleted'],'properties':{'id':" STR ",'deleted':" BOOL "}}")) ","
    "'404':" RESPONSE("no such session for this API key", REF("ErrorV1")) ","
    EXEC_ERRORS(REF("ErrorV1")) "}}},"
    "'/api/v1/sessions/{id}/execute':{'post':{'summary':'Run a cell in the session',"
    "'requestBody':" JSON_BODY(REF("CellRequest")) ",'required':true},"
    "'responses':{'200':" RESPONSE("the cell ran", REF("CellResponse")) ","
    "'404':" RESPONSE("no such session for this API key", REF("ErrorV1")) ","
    "'410':" RESPONSE("the session has ended; the message says why", REF("ErrorV1")) ","
    EXEC_ERRORS(REF("ErrorV1")) "}}},"
    "'/api/v1/submissions':{'post':{'summary':'Queue an execute request; its result is "
    "collected later by token, or sent to callback_url',"
    "'requestBody':" JSON_BODY(REF("SubmissionRequest")) ",'required':true},"
    "'responses':{'201':" RESPONSE("queued", ENVELOPE(REF("SubmissionCreated"))) ","
    "'403':" RESPONSE("callback_url is not an allowed destination, or a content rule",
                      REF("ErrorV1")) ","
    EXEC_ERRORS(REF("ErrorV1")) "}}},"
    "'/api/v1/submissions/batch':{'post':{'summary':'Queue up to batch_max execute requests, "
    "all or none','requestBody':" JSON_BODY("{'type':'object','required':['submissions'],"
    "'properties':{'submissions':{'type':'array','items':" REF("SubmissionRequest") "}}}")
    ",'required':true},"
    "'responses':{'201':" RESPONSE("queued, tokens in the order sent", ENVELOPE("{'type':"
    "'object','required':['submissions'],'properties':{'submissions':{'type':'array','items':"
    REF("SubmissionCreated") "}}}")) "," EXEC_ERRORS(REF("ErrorV1")) "}},"
    "'get':{'summary':'Submissions by ?tokens=T1,T2 (an unknown one has state not_found)',"
    "'responses':{'200':" RESPONSE("ok", ENVELOPE("{'type':'object','required':["
    "'submissions'],'properties':{'submissions':{'type':'array','items':" REF("Submission")
    "}}}")) "," EXEC_ERRORS(REF("ErrorV1")) "}}},"
    "'/api/v1/submissions/{token}':{"
    "'get':{'summary':'A submission: queued, running or done, with its result',"
    "'responses':{'200':" RESPONSE("ok", ENVELOPE(REF("Submission"))) ","
    "'404':" RESPONSE("unknown, deleted, expired, or of another API key", REF("ErrorV1")) ","
    EXEC_ERRORS(REF("ErrorV1")) "}},"
    "'delete':{'summary':'Delete a queued submission',"
    "'responses':{'200':" RESPONSE("deleted", ENVELOPE("{'type':'object','required':['token',"
    "'state'],'properties':{'token':" STR ",'state':{'type':'string','enum':['deleted']}}}"))
    ",'404':" RESPONSE("unknown, deleted, expired, or of another API key", REF("ErrorV1")) ","
    "'409':" RESPONSE("running or done: only a queued submission can be deleted",
                      REF("ErrorV1")) "," EXEC_ERRORS(REF("ErrorV1")) "}}}"
    "},"
    "'components':{'schemas':{"
    "'ErrorV1':{'type':'object','required':['success','error'],'properties':{"
    "'success':{'type':'boolean','enum':[false]},"
    "'error':{'type':'object','required':['code','message'],'properties':{"
    "'code':{'type':'string','enum':" ERROR_CODES "},'message':" STR "}}}},"
    "'ErrorV2':{'type':'object','required':['message','code'],'properties':{"
    "'message':" STR ",'code':{'type':'string','enum':" ERROR_CODES "}}},"
    "'Health':{'type':'object','required':['success','data'],'properties':{"
    "'success':" BOOL ",'data':{'type':'object',"
    "'required':['status','uptime','version','processPool','runners','node','submissions'],"
    "'properties':{'node':" STR ","
    "'submissions':{'type':'object','required':['queue','available','queued','running','done',"
    "'oldestQueuedAgeMs','runners','busyRunners'],'properties':{'queue':{'type':'string',"
    "'enum':['sqlite','redis']},'available':" BOOL ",'queued':" INT ",'running':" INT ","
    "'done':" INT ",'oldestQueuedAgeMs':" NINT ",'runners':" INT ",'busyRunners':" INT ","
    "'completed':" INT ",'callbacksPending':" INT "}},"
    "'status':{'type':'string','enum':['ok','draining']},'uptime':" INT ",'version':" STR ","
    "'processPool':{'type':'object',"
    "'required':['totalWorkers','busyWorkers','idleWorkers','pendingRequests'],'properties':{"
    "'totalWorkers':" INT ",'busyWorkers':" INT ",'idleWorkers':" INT ",'pendingRequests':" INT
    "}},"
    "'runners':{'type':'object','additionalProperties':" REF("Runner") "}}}}},"
    "'Runner':{'type':'object','required':['available','totalWorkers','runs','successRate'],"
    "'properties':{'available':" BOOL ",'totalWorkers':" INT ",'runs':" INT ","
    "'successRate':{'type':'number','description':'percent of runs in which the sandbox "
    "worked (status not XX)'}}},"
    "'Languages':{'type':'object','required':['success','data'],'properties':{"
    "'success':" BOOL ",'data':{'type':'object','required':['languages'],'properties':{"
    "'languages':{'type':'array','items':" STR "}}}}},"
    "'ExecuteV1Request':{'type':'object','required':['code','language'],'properties':{"
    "'code':" STR ",'language':" STR ","
    "'timeout':{'type':'integer','minimum':1,'description':'ms: CPU and wall time of the run'},"
    "'memoryLimit':{'type':'integer','minimum':1,'description':'MiB'},"
    "'stdin':" STR ",'args':{'type':'array','items':" STR "}," MODE_FIELDS
    "'profile':{'type':'string','description':'strict, moderate, permissive or one of the "
    "server config: its run limits become the defaults, the request may only lower them, and "
    "its content rules apply'},"
    "'cases':{'type':'array','minItems':1,'maxItems':64,'description':'compile once, then "
    "run once per case with its stdin, each run a fresh process','items':{'type':'object',"
    "'properties':{'stdin':" STR "}}}}},"
    "'StageV1':{'type':'object','required':['status','stdout','stderr','stdoutTruncated',"
    "'stderrTruncated','exitCode','signal','message','cpuTime','wallTime','memory'],"
    "'properties':{'status':{'type':'string','enum':" STATUSES "},"
    VALUE_FIELDS("resultText", "resultTruncated")
    "'stdout':" STR ",'stderr':" STR ",'stdoutTruncated':" BOOL ",'stderrTruncated':" BOOL ","
    "'exitCode':" NINT ",'signal':" NSTR ",'message':" NSTR ","
    "'cpuTime':" INT ",'wallTime':" INT ",'memory':" INT ",'deniedSyscalls':" DENIED ","
    "'cached':{'type':'boolean','description':'compile stage only: the compiled program "
    "came from the cache'}}},"
    "'ExecuteV1Response':{'type':'object','required':['success','data'],'properties':{"
    "'success':" BOOL ",'data':" REF("ExecuteV1Data") "}},"
    "'ExecuteV1Data':{'allOf':[" REF("StageV1") ",{'type':'object',"
    "'required':['success','output','executionTime','language','version','compile'],"
    "'properties':{'success':" BOOL ",'output':" STR ",'executionTime':" INT ","
    "'error':" STR ",'language':" STR ",'version':" STR ","
    "'compile':{'nullable':true,'allOf':[" REF("StageV1") "]},"
    "'verdict':{'type':'string','description':'submissions with expected_output: AC, WA, "
    "or the status of a run that did not finish'},"
    "'cases':{'type':'array','items':" REF("StageV1") "}}}]},"
    "'Runtime':{'type':'object','required':['language','version','aliases'],'properties':{"
    "'language':" STR ",'version':" STR ",'aliases':{'type':'array','items':" STR "}}},"
    "'ExecuteV2Request':{'type':'object','required':['language','version','files'],"
    "'properties':{'language':" STR ",'version':{'type':'string','description':'the exact "
    "version or *'},'files':{'type':'array','minItems':1,'items':{'type':'object',"
    "'required':['content'],'properties':{'name':" STR ",'content':" STR ","
    "'encoding':{'type':'string','enum':['utf8','base64','hex']}}}},"
    "'stdin':" STR ",'args':{'type':'array','items':" STR "}," MODE_FIELDS
    "'profile':{'type':'string','description':'strict, moderate, permissive or one of the "
    "server config: its run limits become the defaults, the request may only lower them, and "
    "its content rules apply'},"
    "'cases':{'type':'array','minItems':1,'maxItems':64,'description':'compile once, then "
    "run once per case with its stdin, each run a fresh process','items':{'type':'object',"
    "'properties':{'stdin':" STR "}}},"
    "'compile_timeout':" INT ",'run_timeout':" INT ",'compile_cpu_time':" INT ","
    "'run_cpu_time':" INT ",'compile_memory_limit':" INT ",'run_memory_limit':" INT "}},"
    "'StageV2':{'type':'object','required':['stdout','stderr','output','code','signal',"
    "'message','status','cpu_time','wall_time','memory'],'properties':{"
    VALUE_FIELDS("result_text", "result_truncated")
    "'stdout':" STR ",'stderr':" STR ",'output':" STR ",'code':" NINT ",'signal':" NSTR ","
    "'message':" NSTR ",'status':{'type':'string','nullable':true,"
    "'enum':['RE','SG','TO','ML','OL','XX',null]},"
    "'cpu_time':" INT ",'wall_time':" INT ",'memory':" INT ",'denied_syscalls':" DENIED ","
    "'cached':{'type':'boolean','description':'compile stage only: the compiled program "
    "came from the cache'}}},"
    "'ExecuteV2Response':{'type':'object','required':['language','version'],'properties':{"
    "'language':" STR ",'version':" STR ",'run':" REF("StageV2") ",'compile':" REF("StageV2")
    ",'cases':{'type':'array','items':" REF("StageV2") "}}},"
    "'SessionRequest':{'type':'object','required':['language'],'properties':{"
    "'language':{'type':'string','description':'javascript, typescript or python'},"
    "'timeout':{'type':'integer','minimum':1,'description':'ms: CPU and wall time of each "
    "cell'},'memoryLimit':{'type':'integer','minimum':1,'description':'MiB, of the session "
    "process for its whole life'},'profile':" STR ","
    "'idleTimeout':{'type':'integer','minimum':1,'description':'s without a cell before "
    "the session is ended'},'maxLifetime':{'type':'integer','minimum':1,'description':'s "
    "after which the session is ended'}}},"
    "'Session':{'type':'object','required':['id','language','version','state','endedReason',"
    "'createdAt','uptimeMs','idleMs','executionCount','memoryUsed','peakMemory','cpuTime',"
    "'idleTimeout','maxLifetime','metrics'],'properties':{'id':" STR ",'language':" STR ","
    "'version':" STR ",'state':{'type':'string','enum':['idle','running','ended']},"
    "'endedReason':" NSTR ",'createdAt':" STR ",'uptimeMs':" INT ",'idleMs':" INT ","
    "'executionCount':" INT ",'memoryUsed':{'type':'integer','description':'bytes in use "
    "now'},'peakMemory':" INT ",'cpuTime':" INT ",'idleTimeout':" INT ",'maxLifetime':" INT ","
    "'limits':{'type':'object','properties':{'cpuTime':" INT ",'wallTime':" INT ","
    "'memory':" INT ",'processes':" INT ",'output':" INT "}},"
    "'metrics':{'type':'object','required':['byStatus','p50Ms','p95Ms','p99Ms'],"
    "'properties':{'byStatus':{'type':'object','additionalProperties':" INT "},"
    "'p50Ms':" NINT ",'p95Ms':" NINT ",'p99Ms':" NINT "}}}},"
    "'SubmissionRequest':{'allOf':[" REF("ExecuteV1Request") ",{'type':'object',"
    "'properties':{'callback_url':{'type':'string','description':'POSTed the submission "
    "when it is done; must be an origin of the server callback_allow setting'},"
    "'expected_output':{'description':'a string, or with cases an array of one per case: "
    "the result then has a verdict, AC, WA or the run status'}}}]},"
    "'SubmissionCreated':{'type':'object','required':['token','state'],'properties':{"
    "'token':" STR ",'state':{'type':'string','enum':['queued']}}},"
    "'Submission':{'type':'object','required':['token','state'],'properties':{"
    "'token':" STR ",'state':{'type':'string','enum':['queued','running','done','not_found']},"
    "'createdAt':" NINT ",'startedAt':" NINT ",'finishedAt':" NINT ",'node':" NSTR ","
    "'attempts':{'type':'integer','description':'times a node took it: more than 1 after a "
    "node died running it'},"
    "'result':{'nullable':true,'allOf':[" REF("ExecuteV1Data") "]},"
    "'error':{'type':'object','required':['code','message'],'properties':{'code':" STR ","
    "'message':" STR "}},"
    "'callback':{'type':'object','required':['url','state','attempts'],'properties':{"
    "'url':" STR ",'state':{'type':'string','enum':['waiting','pending','delivered','failed']},"
    "'attempts':" INT "}}}},"
    "'CellRequest':{'type':'object','required':['code'],'properties':{'code':" STR ","
    "'stdin':" STR ",'context':{'description':'any JSON value, the global context of the "
    "cell'}}},"
    "'CellResponse':{'type':'object','required':['success','data'],'properties':{"
    "'success':" BOOL ",'data':{'allOf':[" REF("StageV1") ",{'type':'object',"
    "'required':['success','output','executionTime','language','version','session'],"
    "'properties':{'success':" BOOL ",'output':" STR ",'executionTime':" INT ","
    "'error':" STR ",'language':" STR ",'version':" STR ","
    "'session':{'type':'object','required':['id','executionCount','alive','endedReason'],"
    "'properties':{'id':" STR ",'executionCount':" INT ",'alive':" BOOL ","
    "'endedReason':" NSTR "}}}}]}}}"
    "}}}";

char *openapi_document(size_t *len)
{
    char *text = strdup(DOC);
    if (!text)
        return NULL;
    for (char *p = text; *p; p++)
        *p = *p == '\'' ? '"' : *p;
    cJSON *doc = cJSON_Parse(text);
    free(text);
    char *out = doc ? cJSON_PrintUnformatted(doc) : NULL;
    cJSON_Delete(doc);
    if (out)
        *len = strlen(out);
    return out;
}
