package io.walletplatform.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time used so far by each process, read from Linux's {@code /proc/<pid>/stat} (utime + stime,
 * which the kernel scales to each task's exact run time). The machine's figure is the sum over every
 * process, kernel threads included: {@code /proc/stat}'s busy ticks are sampled at the timer tick and
 * miss work done in bursts shorter than a tick (here they showed 0.22 cores busy while the processes
 * had used 0.77). The difference of two samples, divided by the requests answered between them, is
 * CPU per request: the figure that predicts capacity on other machines. Where {@code /proc} is
 * missing (not Linux), {@link #take()} returns null and nothing is reported.
 */
record CpuSample(long nanos, Map<Long, Process> processes) {

  /** One process: its command name from {@code stat} and its CPU ticks so far. */
  record Process(String comm, long ticks) {
  }

  /** Clock ticks per second of {@code /proc}; USER_HZ is 100 on every Linux architecture Java runs on. */
  static final long TICKS_PER_SECOND = 100;

  private static final Path PROC = Path.of("/proc");
  private static final long SELF = ProcessHandle.current().pid();

  static CpuSample take() {
    try {
      long nanos = System.nanoTime();
      Map<Long, Process> processes = new HashMap<>();
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, entry -> entry.getFileName().toString().chars()
          .allMatch(Character::isDigit))) {
        for (Path entry : entries) {
          Process process = process(entry);
          if (process != null) {
            processes.put(Long.parseLong(entry.getFileName().toString()), process);
          }
        }
      }
      if (processes.isEmpty()) {
        return null;
      }
      return new CpuSample(nanos, processes);
    } catch (IOException | RuntimeException notLinux) {
      return null;
    }
  }

  /** Null when the process ended while it was being read. A sample reads only {@code stat}: naming waits for the report. */
  private static Process process(Path entry) {
    try {
      String stat = Files.readString(entry.resolve("stat"));
      // pid (comm) state ppid ... utime stime: fields 14 and 15; comm may hold spaces and parentheses.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new Process(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
          Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
    } catch (IOException | RuntimeException gone) {
      return null;
    }
  }

  /** What the table calls a process that used CPU: this one, or by {@link #name(String, byte[])}. */
  private static String nameOf(long pid, Process process) {
    if (pid == SELF) {
      return "load-tester (this)";
    }
    byte[] cmdline;
    try {
      cmdline = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
    } catch (IOException gone) {
      cmdline = new byte[0];
    }
    return name(process.comm, cmdline);
  }

  /**
   * A short name: a Java process by its jar or main class ({@code platform.jar}), PostgreSQL's
   * backends as {@code postgres}, anything else by its command's name.
   */
  static String name(String comm, byte[] cmdline) {
    String[] args = new String(cmdline, StandardCharsets.UTF_8).split("\0");
    if (args.length == 0 || args[0].isEmpty()) {
      return comm;  // a kernel thread
    }
    String command = args[0];
    if (command.startsWith("postgres")) {
      return "postgres";
    }
    String base = command.substring(command.lastIndexOf('/') + 1).split(" ")[0];
    if (!base.equals("java")) {
      return base.isEmpty() ? comm : base.startsWith("redis-server") ? "redis-server" : base;
    }
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("-jar") && i + 1 < args.length) {
        return args[i + 1].substring(args[i + 1].lastIndexOf('/') + 1);
      }
      if (!args[i].startsWith("-") && (i == 1 || !args[i - 1].equals("-cp") && !args[i - 1].equals("-classpath"))) {
        return "java " + args[i].substring(args[i].lastIndexOf('.') + 1);
      }
    }
    return "java";
  }

  /** Seconds of CPU per process name since {@code earlier}, largest first; processes started since count in full. */
  Map<String, Double> processSecondsSince(CpuSample earlier) {
    Map<String, Long> ticks = new TreeMap<>();
    processes.forEach((pid, process) -> {
      Process before = earlier.processes.get(pid);
      long used = process.ticks - (before == null ? 0 : before.ticks);
      if (used > 0) {
        ticks.merge(nameOf(pid, process), used, Long::sum);
      }
    });
    Map<String, Double> seconds = new java.util.LinkedHashMap<>();
    ticks.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(entry -> seconds.put(entry.getKey(), entry.getValue() / (double) TICKS_PER_SECOND));
    return seconds;
  }
}
