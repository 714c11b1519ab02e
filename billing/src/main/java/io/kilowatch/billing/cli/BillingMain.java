package io.kilowatch.billing.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar kilowatch-billing.jar bill|check ...}: staff's tools for tariffs and bills. */
@Command(
        name = "kilowatch-billing",
        mixinStandardHelpOptions = true,
        subcommands = {BillCommand.class, CheckCommand.class},
        description = "Price usage under tariff plans (bill) and validate tariff catalogues (check).")
public final class BillingMain implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line; bad input is one message on stderr and exit code 2, never a stack trace. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new BillingMain());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            boolean input = e instanceof IllegalArgumentException || e instanceof java.io.IOException;
            cmd.getErr().println(cmd.getCommandName() + ": " + e.getMessage());
            return input ? 2 : 1;
        });
        return cl.execute(args);
    }
}
