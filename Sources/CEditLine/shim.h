#ifndef ORMLAB_CEDITLINE_SHIM_H
#define ORMLAB_CEDITLINE_SHIM_H
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <histedit.h>
#include <pthread.h>
#include <signal.h>

// el_set, el_get, history and ioctl are variadic: Swift cannot call them directly, so each use
// gets a typed wrapper here, named after what it does.

/// The prompt callback libedit calls before drawing a line.
typedef char *(*ormlab_prompt_function)(EditLine *);
/// An editor command (bound to a key) written in Swift: returns one of the CC_* codes.
typedef unsigned char (*ormlab_editor_command)(EditLine *, int);
/// A signal handler.
typedef void (*ormlab_signal_handler)(int);

// MARK: - Editor settings

/// Sets the prompt; `ignore` brackets invisible characters (colour escapes) so libedit measures
/// the prompt's width right.
static inline int ormlab_el_set_prompt(EditLine *el, ormlab_prompt_function prompt, char ignore) {
    return el_set(el, EL_PROMPT_ESC, prompt, ignore);
}

/// "emacs" or "vi" key bindings.
static inline int ormlab_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}

/// Lets libedit restore the terminal around signals (and follow window resizes).
static inline int ormlab_el_set_signal(EditLine *el, int handle) {
    return el_set(el, EL_SIGNAL, handle);
}

/// Connects a (narrow) history list, used by the arrows and incremental search.
static inline int ormlab_el_set_history(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}

/// Stores a pointer the callbacks use to find the Swift object.
static inline int ormlab_el_set_client_data(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}

static inline void *ormlab_el_get_client_data(EditLine *el) {
    void *data = NULL;
    if (el_get(el, EL_CLIENTDATA, &data) != 0) return NULL;
    return data;
}

/// Registers a named editor command.
static inline int ormlab_el_add_function(EditLine *el, const char *name, const char *help,
                                         ormlab_editor_command command) {
    return el_set(el, EL_ADDFN, name, help, command);
}

/// Changes the terminal modes libedit uses while editing, like `setty` in editrc:
/// ormlab_el_setty(el, "-d", "-isig") keeps Ctrl-C a key while a line is edited.
static inline int ormlab_el_setty(EditLine *el, const char *mode, const char *flag) {
    return el_set(el, EL_SETTY, mode, flag, (const char *)NULL);
}

/// Binds a key sequence ("^R", "\t") to a named editor command.
static inline int ormlab_el_bind(EditLine *el, const char *key, const char *command) {
    return el_set(el, EL_BIND, key, command, (const char *)NULL);
}

// MARK: - History

static inline int ormlab_history_set_size(History *h, int size) {
    HistEvent event;
    return history(h, &event, H_SETSIZE, size);
}

/// Refuses an entry equal to the previous one.
static inline int ormlab_history_set_unique(History *h, int unique) {
    HistEvent event;
    return history(h, &event, H_SETUNIQUE, unique);
}

static inline int ormlab_history_enter(History *h, const char *entry) {
    HistEvent event;
    return history(h, &event, H_ENTER, entry);
}

static inline int ormlab_history_clear(History *h) {
    HistEvent event;
    return history(h, &event, H_CLEAR);
}

// MARK: - Terminal and signals

/// The number of columns of the terminal on `fd`, or 0 when it is not a terminal.
static inline int ormlab_terminal_columns(int fd) {
    struct winsize size;
    memset(&size, 0, sizeof size);
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
    return (int)size.ws_col;
}

/// Installs `handler` for `signo` WITHOUT SA_RESTART, so a blocking read returns EINTR.
/// The previous action is kept in `previous` (may be NULL).
static inline int ormlab_install_signal_handler(int signo, ormlab_signal_handler handler,
                                                struct sigaction *previous) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    return sigaction(signo, &action, previous);
}

/// Terminal columns of one character (2 for wide CJK, -1 for non-printable); glibc declares
/// wcwidth only under _XOPEN_SOURCE, so it is declared here.
extern int wcwidth(wchar_t c);
static inline int ormlab_character_width(wchar_t c) {
    return wcwidth(c);
}

/// Unblocks a signal for this thread: a REPL started from a process that blocked SIGINT (some
/// terminal multiplexers and sandboxes do) would otherwise never see Ctrl-C during a statement.
static inline int ormlab_unblock_signal(int signo) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    return pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

static inline int ormlab_restore_signal_handler(int signo, const struct sigaction *previous) {
    return sigaction(signo, previous, NULL);
}

#endif
