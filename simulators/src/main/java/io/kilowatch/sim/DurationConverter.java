package io.kilowatch.sim;

import io.kilowatch.model.Settings;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/**
 * Durations as the services' configuration writes them ({@code 30s}, {@code 15m}, {@code 7d}) or
 * ISO-8601 ({@code PT15M}); registered once for every command by {@link SimulatorMain#commandLine}.
 */
final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return Settings.parseDuration("duration", value);
    }
}
