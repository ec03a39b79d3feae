// SPDX-License-Identifier: MIT
/* Built when Concurrency Kit's headers are missing: no CK rows. */
#include "locks.h"

const struct lock_impl ck_impls[1];
const int nr_ck_impls = 0;
const char ck_note[] = "Concurrency Kit not installed (Debian libck-dev): its rows are missing\n";
