/* threads.h: one thread, a mutex and a condition variable, on POSIX
 * threads or Windows threads: what the background program builder needs. */
#ifndef CLCONV_THREADS_H
#define CLCONV_THREADS_H

#ifdef _WIN32
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
typedef HANDLE clconv__thread;
typedef CRITICAL_SECTION clconv__mutex;
typedef CONDITION_VARIABLE clconv__cond;
#else
#include <pthread.h>
typedef pthread_t clconv__thread;
typedef pthread_mutex_t clconv__mutex;
typedef pthread_cond_t clconv__cond;
#endif

/* Starts @p fn(@p arg) on a new thread. @return 0, or -1 when it cannot. */
int clconv__threads_start(clconv__thread *t, void (*fn)(void *), void *arg);
/* Waits for the thread to end. */
void clconv__threads_join(clconv__thread t);

/* @return 0, or -1 when the mutex or condition cannot be made. */
int clconv__threads_mutex_init(clconv__mutex *m);
void clconv__threads_mutex_destroy(clconv__mutex *m);
void clconv__threads_lock(clconv__mutex *m);
void clconv__threads_unlock(clconv__mutex *m);
int clconv__threads_cond_init(clconv__cond *c);
void clconv__threads_cond_destroy(clconv__cond *c);
/* Waits on @p c, @p m held (released while waiting, held again after). */
void clconv__threads_cond_wait(clconv__cond *c, clconv__mutex *m);
void clconv__threads_cond_broadcast(clconv__cond *c);

#endif
