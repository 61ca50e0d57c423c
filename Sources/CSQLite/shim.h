#ifndef ORMLAB_CSQLITE_SHIM_H
#define ORMLAB_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro around a function-pointer cast that Swift cannot import.
static inline sqlite3_destructor_type ormlab_sqlite_transient(void) { return SQLITE_TRANSIENT; }
static inline sqlite3_destructor_type ormlab_sqlite_static(void) { return SQLITE_STATIC; }

// sqlite3_db_config is variadic; one wrapper per option we use.
static inline int ormlab_sqlite_enable_fkey(sqlite3 *db, int on) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, on, (int *)0);
}
#endif
