// SPDX-License-Identifier: MIT
/*
 * test_util.c: core/util.c's keyed hash against SipHash's published vectors,
 * and the string table and id map against a plain array, through many
 * random inserts and removals (removal moves entries back in their chains).
 */
#include "internal.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

static void test_siphash_vectors(void)
{
    /* From the SipHash paper, appendix A: key 00..0f, message 00..0e. */
    const uint64_t key[2] = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
    uint8_t msg[64];
    for (int i = 0; i < 64; i++)
        msg[i] = (uint8_t)i;
    CHECK(core_hash_keyed(key, msg, 15) == 0xa129ca6149be45e5ull);
    CHECK(core_hash_keyed(key, msg, 0) == 0x726fdb47dd0e0e31ull); /* vectors_sip64[0] */
    CHECK(core_hash_keyed(key, msg, 8) == 0x93f5f5799a932462ull); /* vectors_sip64[8] */
    CHECK(core_hash(msg, 15) == core_hash(msg, 15));
}

#define KEYS 2000

static void test_table_remove(void)
{
    struct core_table t = {0};
    static char names[KEYS][16];
    static bool in[KEYS];
    unsigned seed = 42;
    for (int i = 0; i < KEYS; i++)
        snprintf(names[i], sizeof names[i], "n%d", i);
    for (int round = 0; round < 50000; round++) {
        int k = rand_r(&seed) % KEYS;
        if (in[k]) {
            core_table_remove(&t, names[k]);
        } else {
            CHECK(core_table_put(&t, names[k], names[k]) == 0);
        }
        in[k] = !in[k];
    }
    size_t count = 0;
    bool all = true;
    for (int i = 0; i < KEYS; i++) {
        count += in[i];
        all &= core_table_get(&t, names[i]) == (in[i] ? names[i] : NULL);
    }
    CHECK(all);
    CHECK(t.count == count);
    core_table_free(&t, NULL);
}

static void test_idmap_ids(void)
{
    struct core_idmap m = {0};
    uint64_t ids[] = {0, 1, UINT64_MAX, UINT64_MAX - 1, (uint64_t)1 << 63, 1ull << 17};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        CHECK(core_idmap_add(&m, ids[i], &ids[i]) == 1);
    void *v = NULL;
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        CHECK(core_idmap_get(&m, ids[i], &v) && v == &ids[i]);
    CHECK(core_idmap_remove(&m, UINT64_MAX, NULL) && !core_idmap_get(&m, UINT64_MAX, NULL));
    core_idmap_free(&m);
}

/* moat_app_set_data: one value per key, freed by moat_app_free newest first. */
static char freed[8];

static void note_free(void *data)
{
    strncat(freed, data, sizeof freed - strlen(freed) - 1);
}

static void test_app_data(void)
{
    moat_app *app = moat_app_new("data");
    CHECK(moat_app_set_data(app, "a", "1", note_free) == 0);
    CHECK(moat_app_set_data(app, "b", "2", note_free) == 0);
    CHECK(moat_app_set_data(app, "a", "3", note_free) == -1);
    CHECK_CONTAINS(moat_errmsg(), "\"a\" is set already");
    CHECK(moat_app_set_data(app, "c", NULL, NULL) == 0);
    CHECK(!strcmp(moat_app_data(app, "a"), "1") && !strcmp(moat_app_data(app, "b"), "2"));
    CHECK(moat_app_data(app, "c") == NULL && moat_app_data(app, "d") == NULL);
    CHECK(freed[0] == '\0');
    moat_app_free(app);
    CHECK(!strcmp(freed, "21"));
}

int main(void)
{
    RUN(test_siphash_vectors);
    RUN(test_table_remove);
    RUN(test_idmap_ids);
    RUN(test_app_data);
    return TEST_RESULT();
}
