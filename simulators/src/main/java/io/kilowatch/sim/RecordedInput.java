package io.kilowatch.sim;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The recorded files and how to read them, as {@code replay} and {@code import} both take them (a picocli mixin). */
final class RecordedInput {
    @Parameters(arity = "1..*", description = "Recorded files (for lcl, one or more households' files).")
    List<Path> files;

    @Option(names = "--from", description = "Only readings at or after this instant (ISO-8601).")
    Instant from;

    @Option(names = "--to", description = "Only readings before this instant (ISO-8601).")
    Instant to;

    @Option(
            names = "--zone",
            defaultValue = "Europe/Lisbon",
            description = "Local time zone of eld timestamps and sgcc dates (default: ${DEFAULT-VALUE}); lcl is UTC.")
    ZoneId zone;

    @Option(
            names = "--resolution",
            defaultValue = "PT15M",
            description = "lcl/eld/sgcc: reading period; must divide the data's (default: ${DEFAULT-VALUE}).")
    Duration resolution;

    @Option(names = "--id-prefix", defaultValue = "", description = "Prefix for meter ids (keeps runs apart).")
    String idPrefix;
}
