package io.kilowatch.sim;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar kilowatch-simulators.jar <subcommand> --help}. The subcommand names are part
 * of the stable interface (DESIGN.md): fleet, replay, import, loadtest, score (and bench-ingest).
 */
@Command(
        name = "kilowatch-simulators",
        mixinStandardHelpOptions = true,
        version = "kilowatch-simulators 0.1",
        description = "Drives Kilowatch with simulated or recorded meter data.",
        subcommands = {
            FleetCommand.class,
            ReplayCommand.class,
            ImportCommand.class,
            LoadtestCommand.class,
            ScoreCommand.class,
            HintsCommand.class,
            BenchIngestCommand.class
        })
public final class SimulatorMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * The command line of a command (this one with every subcommand, or one of them alone, as
     * tests use them) with the converters every command shares registered once.
     */
    public static CommandLine commandLine(Object command) {
        return new CommandLine(command).registerConverter(java.time.Duration.class, new DurationConverter());
    }

    public static void main(String[] args) {
        System.exit(commandLine(new SimulatorMain()).execute(args));
    }
}
