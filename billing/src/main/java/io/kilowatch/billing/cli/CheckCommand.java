package io.kilowatch.billing.cli;

import io.kilowatch.model.tariff.PlanVersion;
import io.kilowatch.model.tariff.TariffCatalogue;
import io.kilowatch.model.tariff.TariffPlan;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Validates a catalogue whole and says what it holds (exit 2 naming every bad line otherwise). */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = "Validate a tariff catalogue (YAML or JSON) and list its plans.")
final class CheckCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CATALOGUE", description = "catalogue file (.yaml, or .json)")
    Path file;

    @Override
    public Integer call() throws Exception {
        TariffCatalogue c = TariffCatalogue.load(file);
        System.out.printf(
                "catalogue %s: %d plans%s%n",
                c.name(), c.plans().size(), c.illustrative() ? " (ILLUSTRATIVE numbers, not official prices)" : "");
        for (TariffPlan p : c.plans().values()) {
            PlanVersion last = p.versions().get(p.versions().size() - 1);
            System.out.printf(
                    "  %-20s %d version(s), latest from %s, periods %s%s — %s%n",
                    p.id(),
                    p.versions().size(),
                    last.effectiveFrom(),
                    last.calendar().periods(),
                    last.twoPart() ? ", two-part" : "",
                    p.name());
        }
        return 0;
    }
}
