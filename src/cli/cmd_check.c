/* cmd_check.c — `kiln check`: which protections are active on this host.
 *
 * Reads what the engine set up (cgroups, seccomp), then proves the rest
 * from inside: a probe script runs in the jail like any program and
 * reports what it sees (its uid, capabilities, no_new_privs, seccomp mode,
 * processes, network interfaces, hostname, writable root, host secrets).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* Bash builtins only: the probe must not depend on other tools. */
static const char PROBE[] =
    "while IFS=: read -r k v; do case $k in CapEff|CapBnd|NoNewPrivs|Seccomp)"
    " echo \"$k=${v//[[:space:]]/}\";; esac; done < /proc/self/status\n"
    "echo \"uid=$EUID\"\n"
    "echo \"host=$(< /proc/sys/kernel/hostname)\"\n"
    "n=0; for p in /proc/[0-9]*; do n=$((n+1)); done; echo \"pids=$n\"\n"
    "ifs=; { read -r; read -r; while IFS=: read -r i rest; do ifs=\"$ifs${i// /},\"; done; }"
    " < /proc/net/dev; echo \"ifaces=$ifs\"\n"
    "if (: > /kiln-probe) 2>/dev/null; then echo rootro=no; else echo rootro=yes; fi\n"
    "s=absent; for f in /etc/shadow /root /home /var/lib/dpkg /var/log; do [ -e $f ] && s=\"present:$f\"; done;"
    " echo \"secrets=$s\"\n";

struct check_list {
    cJSON *array;
    bool all_ok;
    bool json;
};

static void add_check(struct check_list *cl, const char *name, bool ok, const char *detail)
{
    cl->all_ok &= ok;
    if (!cl->json) {
        printf("  %-4s %-20s %s\n", ok ? "ok" : "FAIL", name, detail);
        return;
    }
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "name", name);
    cJSON_AddBoolToObject(c, "ok", ok);
    cJSON_AddStringToObject(c, "detail", detail);
    cJSON_AddItemToArray(cl->array, c);
}

/* The value of "key=" in the probe's output, or "" if absent. */
static const char *probe_value(const char *out, const char *key, char *buf, size_t buflen)
{
    size_t kl = strlen(key);
    buf[0] = '\0';
    for (const char *line = out; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
        if (!strncmp(line, key, kl) && line[kl] == '=') {
            size_t n = strcspn(line + kl + 1, "\n");
            snprintf(buf, buflen, "%.*s", (int)n, line + kl + 1);
            break;
        }
    return buf;
}

static void host_checks(kiln_engine *e, struct check_list *cl)
{
    struct kiln_host_report r;
    char d[256];
    kiln_engine_report(e, &r);
    add_check(cl, "root", geteuid() == 0, "kiln runs as root");
    snprintf(d, sizeof d, "cgroup %s: memory %s, pids %s, cpu %s", r.cgroup_version,
             r.cg_memory ? "yes" : "no", r.cg_pids ? "yes" : "no (RLIMIT_NPROC only)",
             r.cg_cpu ? "yes" : "no (RLIMIT_CPU only)");
    add_check(cl, "cgroups", r.cg_memory, d);
    snprintf(d, sizeof d, "%u slots, slot 0 runs as uid %u", r.slots, r.uid_base);
    add_check(cl, "slots", r.slots > 0, d);
}

static void probe_checks(kiln_engine *e, const struct kiln_result *res, struct check_list *cl)
{
    const char *out = res->run.out ? res->run.out : "";
    struct kiln_host_report r;
    char v[128], d[256];
    kiln_engine_report(e, &r);
    snprintf(d, sizeof d, "uid %s in the jail", probe_value(out, "uid", v, sizeof v));
    add_check(cl, "user", (unsigned)atoi(v) == r.uid_base, d);
    char eff[32], bnd[32];
    probe_value(out, "CapEff", eff, sizeof eff);
    probe_value(out, "CapBnd", bnd, sizeof bnd);
    snprintf(d, sizeof d, "effective %s, bounding %s", eff, bnd);
    add_check(cl, "capabilities", !strcmp(eff, "0000000000000000") && !strcmp(bnd, "0000000000000000"), d);
    add_check(cl, "no_new_privs", !strcmp(probe_value(out, "NoNewPrivs", v, sizeof v), "1"),
              "setuid binaries and file capabilities grant nothing");
    snprintf(d, sizeof d, "filter mode %s, %u deny rules", probe_value(out, "Seccomp", v, sizeof v),
             r.seccomp_rules);
    add_check(cl, "seccomp", !strcmp(v, "2"), d);
    snprintf(d, sizeof d, "%s processes visible in /proc", probe_value(out, "pids", v, sizeof v));
    add_check(cl, "pid namespace", atoi(v) >= 1 && atoi(v) <= 3, d);
    snprintf(d, sizeof d, "interfaces: %s", probe_value(out, "ifaces", v, sizeof v));
    add_check(cl, "network namespace", !strcmp(v, "lo,"), d);
    snprintf(d, sizeof d, "hostname '%s'", probe_value(out, "host", v, sizeof v));
    add_check(cl, "uts namespace", !strcmp(v, "kiln"), d);
    add_check(cl, "read-only root", !strcmp(probe_value(out, "rootro", v, sizeof v), "yes"),
              "only /box, /tmp, /var/tmp, /dev/shm are writable, each a fresh tmpfs");
    snprintf(d, sizeof d, "/etc/shadow, /root, /home, /var/lib/dpkg, /var/log: %s",
             probe_value(out, "secrets", v, sizeof v));
    add_check(cl, "host files hidden", !strcmp(v, "absent"), d);
    snprintf(d, sizeof d, "probe used %llu KiB, %llu ms CPU", (unsigned long long)res->run.mem_kib,
             (unsigned long long)res->run.cpu_ms);
    add_check(cl, "cgroup accounting", res->run.mem_kib > 0, d);
}

int cmd_check(int argc, char **argv)
{
    int rc;
    struct check_list cl = { .all_ok = true };
    cl.json = cli_json_flag(argc, argv,
                            "usage: kiln check [--json]\n"
                            "Shows which protections are active on this host, proving each with a\n"
                            "probe run in the jail. Exit status 0 when all are, 1 otherwise.\n",
                            &rc);
    if (rc >= 0)
        return rc;
    kiln_engine *e = cli_engine();
    if (!e)
        return CLI_EXIT_XX;
    cJSON *doc = cJSON_CreateObject();
    cl.array = cJSON_AddArrayToObject(doc, "checks");
    if (!cl.json)
        printf("kiln %s on this host:\n", KILN_VERSION);
    host_checks(e, &cl);
    struct kiln_file f = { .name = "probe.sh", .data = PROBE, .len = sizeof PROBE - 1 };
    struct kiln_request req = { .language = "bash", .files = &f, .nfiles = 1 };
    struct kiln_result res;
    char err[512];
    if (kiln_execute(e, &req, &res, err, sizeof err) < 0)
        add_check(&cl, "probe run", false, err);
    else {
        add_check(&cl, "probe run", res.status == KILN_OK,
                  res.status == KILN_OK ? "a bash script ran in the jail" : res.run.message);
        probe_checks(e, &res, &cl);
        kiln_result_free(&res);
    }
    cJSON_AddBoolToObject(doc, "ok", cl.all_ok);
    if (cl.json && json_print(doc) < 0)
        cl.all_ok = false;
    cJSON_Delete(doc);
    kiln_engine_destroy(e);
    return cl.all_ok ? 0 : 1;
}
