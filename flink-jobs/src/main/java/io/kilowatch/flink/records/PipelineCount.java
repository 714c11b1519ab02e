package io.kilowatch.flink.records;

/** A running total of the {@code pipeline} measurement: {@code counter} of {@code component} was {@code total} at {@code at} (processing time, epoch ms). */
public record PipelineCount(String component, String counter, long total, long at) {}
