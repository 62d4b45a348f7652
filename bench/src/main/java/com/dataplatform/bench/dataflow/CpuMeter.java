package com.dataplatform.bench.dataflow;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * CPU time spent by the PostgreSQL server (postmaster, every backend and background worker, and children already
 * reaped) and by this JVM, read from /proc. On a machine shared with other builds, CPU per run is the figure the
 * load does not move much: wall-clock throughput does. Zero when /proc is not readable (e.g. a remote server).
 */
final class CpuMeter {

    /** CPU seconds of the server and of this JVM at one instant. */
    record Sample(double server, double client) {
        Sample minus(Sample o) {
            return new Sample(server - o.server, client - o.client);
        }
    }

    private static final double TICKS = 100.0; // USER_HZ on Linux

    private final long postmaster;

    CpuMeter(JdbcClient jdbc) {
        long backend = jdbc.sql("select pg_backend_pid()").query(Long.class).single();
        long[] stat = stat(backend);
        this.postmaster = stat == null ? -1 : stat[0];
    }

    Sample now() {
        double client = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
        if (postmaster <= 0) {
            return new Sample(0, client);
        }
        long ticks = 0;
        long[] pm = stat(postmaster);
        if (pm != null) {
            ticks += pm[1] + pm[2] + pm[3] + pm[4];
        }
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long[] s = stat(Long.parseLong(name));
                if (s != null && s[0] == postmaster) {
                    ticks += s[1] + s[2];
                }
            }
        } catch (IOException e) {
            return new Sample(0, client);
        }
        return new Sample(ticks / TICKS, client);
    }

    /** ppid, utime, stime, cutime, cstime of a process, or null. */
    private static long[] stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
            return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]),
                    Long.parseLong(f[13]), Long.parseLong(f[14])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
