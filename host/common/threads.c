/* threads.c: threads, mutexes and condition variables on POSIX or Windows
 * (see threads.h). */
#include "common/threads.h"

#include "common/alloc.h"

/* What the new thread runs. */
typedef struct start_args {
  void (*fn)(void *);
  void *arg;
} start_args;

#ifdef _WIN32
static DWORD WINAPI trampoline(LPVOID p) {
  start_args a = *(start_args *)p;
  clconv__alloc_free(p);
  a.fn(a.arg);
  return 0;
}
#else
static void *trampoline(void *p) {
  start_args a = *(start_args *)p;
  clconv__alloc_free(p);
  a.fn(a.arg);
  return NULL;
}
#endif

int clconv__threads_start(clconv__thread *t, void (*fn)(void *), void *arg) {
  start_args *a = clconv__alloc(sizeof *a);
  if (a == NULL)
    return -1;
  a->fn = fn;
  a->arg = arg;
#ifdef _WIN32
  *t = CreateThread(NULL, 0, trampoline, a, 0, NULL);
  if (*t == NULL) {
    clconv__alloc_free(a);
    return -1;
  }
#else
  if (pthread_create(t, NULL, trampoline, a) != 0) {
    clconv__alloc_free(a);
    return -1;
  }
#endif
  return 0;
}

void clconv__threads_join(clconv__thread t) {
#ifdef _WIN32
  WaitForSingleObject(t, INFINITE);
  CloseHandle(t);
#else
  pthread_join(t, NULL);
#endif
}

int clconv__threads_mutex_init(clconv__mutex *m) {
#ifdef _WIN32
  InitializeCriticalSection(m);
  return 0;
#else
  return pthread_mutex_init(m, NULL) == 0 ? 0 : -1;
#endif
}

void clconv__threads_mutex_destroy(clconv__mutex *m) {
#ifdef _WIN32
  DeleteCriticalSection(m);
#else
  pthread_mutex_destroy(m);
#endif
}

void clconv__threads_lock(clconv__mutex *m) {
#ifdef _WIN32
  EnterCriticalSection(m);
#else
  pthread_mutex_lock(m);
#endif
}

void clconv__threads_unlock(clconv__mutex *m) {
#ifdef _WIN32
  LeaveCriticalSection(m);
#else
  pthread_mutex_unlock(m);
#endif
}

int clconv__threads_cond_init(clconv__cond *c) {
#ifdef _WIN32
  InitializeConditionVariable(c);
  return 0;
#else
  return pthread_cond_init(c, NULL) == 0 ? 0 : -1;
#endif
}

void clconv__threads_cond_destroy(clconv__cond *c) {
#ifdef _WIN32
  (void)c;
#else
  pthread_cond_destroy(c);
#endif
}

void clconv__threads_cond_wait(clconv__cond *c, clconv__mutex *m) {
#ifdef _WIN32
  SleepConditionVariableCS(c, m, INFINITE);
#else
  pthread_cond_wait(c, m);
#endif
}

void clconv__threads_cond_broadcast(clconv__cond *c) {
#ifdef _WIN32
  WakeAllConditionVariable(c);
#else
  pthread_cond_broadcast(c);
#endif
}
