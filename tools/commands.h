/* commands.h: the entry point of each `clconv` command. Each takes the
 * arguments after the command name (argv[0] is the command) and returns the
 * process exit status. */
#ifndef CLCONV_COMMANDS_H
#define CLCONV_COMMANDS_H

int cmd_devices(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_tune(int argc, char **argv);
int cmd_prepare(int argc, char **argv);
int cmd_selftest(int argc, char **argv);

#endif
