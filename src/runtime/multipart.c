/* SPDX-License-Identifier: MIT */
/* multipart/form-data request bodies (IC_OP_MULTIPART; the Preview's catalog upload): the params'
 * body fields become parts when the request is built (ic_spec_multipart, from ic_spec_build in
 * request.c: a file from a path checked readable, bytes copied, so nothing the caller owns is read
 * after the call returns except a file at its path), and libcurl's MIME structure when the engine
 * configures an attempt (ic_spec_mime, engine.c). HTTP layer. */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "http.h"
#include "intercom/file.h"

/* A file part: its source (path, checked readable now, or the bytes, copied now), filename and type. */
static intercom_code file_part(ic_part *pt, const ic_operation *op, const ic_field *f, const intercom_file *fl,
                               const intercom_allocator *a, intercom_error *err) {
    if (fl->version != INTERCOM_FILE_VERSION)
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s: \"%s\": intercom_file.version is %u, expected %u",
                       op->name, f->name, fl->version, INTERCOM_FILE_VERSION);
    if (!fl->path == !fl->data)
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                       "%s: \"%s\": set exactly one of intercom_file.path and intercom_file.data", op->name,
                       f->name);
    const char *fname = fl->filename;
    if (fl->path) {
        FILE *fh = fopen(fl->path, "rb");
        if (!fh)
            return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s: \"%s\": cannot open %s: %s", op->name, f->name,
                           fl->path, strerror(errno));
        struct stat st;
        int dir = fstat(fileno(fh), &st) == 0 && S_ISDIR(st.st_mode); /* fopen takes one; libcurl sent 0 bytes */
        fclose(fh);
        if (dir)
            return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s: \"%s\": cannot send %s: Is a directory", op->name,
                           f->name, fl->path);
        if (!fname) {
            const char *slash = strrchr(fl->path, '/');
            fname = slash ? slash + 1 : fl->path;
        }
    }
    if (!fname || !*fname) fname = "upload";
    const char *type = fl->content_type ? fl->content_type : "application/octet-stream";
    if (!ic_header_value_ok(fname) || !ic_header_value_ok(type) || !*type)
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                       "%s: \"%s\": the filename or content type is empty or contains CR/LF", op->name, f->name);
    if (!(pt->filename = ic_astrdup(a, fname)) || !(pt->type = ic_astrdup(a, type)) ||
        (fl->path && !(pt->path = ic_astrdup(a, fl->path))) ||
        (!fl->path && !(pt->data = ic_astrndup(a, fl->data, fl->size))))
        return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    pt->len = fl->path ? 0 : fl->size;
    return INTERCOM_OK;
}

/* A multipart/form-data body (IC_OP_MULTIPART): each body field set is one part, a scalar as its text,
 * an IC_K_FILE as a file part. What multipart cannot carry (null, arrays, objects, extra_body) is refused. */
intercom_code ic_spec_multipart(ic_req_spec *spec, const ic_operation *op, const void *params,
                                     const json_t *extra, intercom_error *err) {
    const intercom_allocator *a = spec->alloc;
    spec->multipart = 1;
    if (extra)
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                       "%s: extra_body cannot be merged into a multipart/form-data body", op->name);
    const intercom_type *t = op->params;
    size_t n = 0;
    for (uint32_t i = 0; params && t && i < t->n_fields; i++)
        if (t->fields[i].in == IC_IN_BODY && ic_field_presence(&t->fields[i], params)) n++;
    if (!n) return INTERCOM_OK;
    if (!(spec->parts = ic_calloc(a, n, sizeof *spec->parts))) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    for (uint32_t i = 0; i < t->n_fields; i++) {
        const ic_field *f = &t->fields[i];
        int how = f->in == IC_IN_BODY ? ic_field_presence(f, params) : 0;
        if (!how) continue;
        if (how == 2 || (f->flags & IC_F_ARRAY) || f->kind == IC_K_OBJECT || f->kind == IC_K_JSON)
            return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s: \"%s\" cannot be sent in a multipart/form-data body "
                           "(%s)", op->name, f->name, how == 2 ? "null" : "not a scalar or a file");
        ic_part *pt = &spec->parts[spec->n_parts++];
        if (!(pt->name = ic_astrdup(a, f->name))) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
        if (f->kind == IC_K_FILE) {
            intercom_code rc = file_part(pt, op, f, *(const intercom_file *const *)((const char *)params + f->offset), a, err);
            if (rc) return rc;
            continue;
        }
        char tmp[40];
        const char *v = ic_param_text(f, params, tmp, sizeof tmp);
        if (!v) v = "";
        if (!(pt->data = ic_astrdup(a, v))) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
        pt->len = strlen(v);
    }
    return INTERCOM_OK;
}

curl_mime *ic_spec_mime(CURL *easy, const ic_req_spec *spec) {
    curl_mime *m = curl_mime_init(easy);
    for (size_t i = 0; m && i < spec->n_parts; i++) {
        const ic_part *p = &spec->parts[i];
        curl_mimepart *mp = curl_mime_addpart(m);
        CURLcode cc = mp ? curl_mime_name(mp, p->name) : CURLE_OUT_OF_MEMORY;
        if (cc == CURLE_OK) cc = p->path ? curl_mime_filedata(mp, p->path) : curl_mime_data(mp, p->data, p->len);
        if (cc == CURLE_OK && p->filename) cc = curl_mime_filename(mp, p->filename);
        if (cc == CURLE_OK && p->type) cc = curl_mime_type(mp, p->type);
        if (cc != CURLE_OK) {
            curl_mime_free(m);
            m = NULL;
        }
    }
    return m;
}

void ic_spec_parts_clear(ic_req_spec *spec) {
    for (size_t i = 0; i < spec->n_parts; i++) {
        ic_part *p = &spec->parts[i];
        ic_free(spec->alloc, p->name);
        ic_free(spec->alloc, p->data);
        ic_free(spec->alloc, p->path);
        ic_free(spec->alloc, p->filename);
        ic_free(spec->alloc, p->type);
    }
    ic_free(spec->alloc, spec->parts);
    spec->parts = NULL;
    spec->n_parts = 0;
    spec->multipart = 0;
}
