package io.stickypool.bench.operator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The harness's knobs, from the command line ({@link OperatorScaleBench}).
 *
 * @param budget the most one pool count may take, set-up included
 * @param unrelated Services, EndpointSlices and Deployments (each) of no pool, created first
 * @param reserve kept back from the wait for Ready, so that idle, heap and latency still run
 */
record BenchSettings(List<Integer> poolCounts, int changes, Duration spacing, Duration settle, Duration idle,
    Duration budget, Duration reserve, int poolsPerSecond, Path jar, Path results, Path work, String machine, int unrelated) {}
