package io.kilowatch.flink.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.RegistryEntry;
import org.junit.jupiter.api.Test;

/** Cells and aggregate keys: what a meter rolls up to, and hashes every JVM of a cluster agrees on. */
class CellTest {

    @Test
    void aCustomerMeterSitsInItsTransformerAndClassAreaAndUnregisteredMetersInTheirClassOnly() {
        RegistryEntry customer =
                new RegistryEntry("m1", "c1", "residential", "T1", "F1", "north", "flat", 10.0, 400.0, 230.0, 1);
        RegistryEntry area = new RegistryEntry(
                "a1", "grid", RegistryEntry.TRANSFORMER_METER, "T1", "F1", "north", null, 0, 400.0, 230.0, 3);
        assertThat(Cell.of(customer)).isEqualTo(new Cell("T1", "residential"));
        assertThat(Cell.of(area)).isSameAs(Cell.TRANSFORMER_AREA);
        assertThat(Cell.TRANSFORMER_AREA.transformerId())
                .as("an area meter is not added to its customers")
                .isNull();
        assertThat(Cell.of(null)).isSameAs(Cell.UNREGISTERED);
    }

    @Test
    void hashesAreMadeOfStringHashesAndOrdinalsNotOfIdentities() {
        // String.hashCode is specified by Java; an enum's hashCode is not, and differs between
        // JVMs, which would put one key in different key groups on different TaskManagers.
        assertThat(new Cell("T1", "residential").hashCode()).isEqualTo(31 * "T1".hashCode() + "residential".hashCode());
        assertThat(Cell.UNREGISTERED.hashCode()).isEqualTo("unregistered".hashCode());
        assertThat(new AggregateKey(Level.FEEDER, "F1", Interval.FIFTEEN_MINUTES).hashCode())
                .isEqualTo((31 * 1 + "F1".hashCode()) * 31 + 1);
        assertThat(new AggregateKey(Level.FEEDER, "F1", Interval.ONE_MINUTE))
                .isNotEqualTo(new AggregateKey(Level.FEEDER, "F1", Interval.FIFTEEN_MINUTES));
    }

    @Test
    void sumsAddAndSubtractFieldByFieldAndAMembersShareIsRoundedToMicroUnits() {
        LoadSums a = LoadSums.member(1.2345674, 2.0, 0.5, 0.3086, 15, 1, 0);
        assertThat(a).isEqualTo(new LoadSums(1_234_567, 2_000_000, 500_000, 308_600, 15, 1, 0));
        LoadSums b = new LoadSums(1, 2, 3, 4, 5, 6, 7);
        assertThat(a.plus(b).minus(b)).isEqualTo(a);
        assertThat(a.minus(a)).isEqualTo(LoadSums.ZERO);
        LoadPoint p = a.plus(a).point(new AggregateKey(Level.CLASS, "residential", Interval.FIFTEEN_MINUTES), 900_000);
        assertThat(p.level()).isEqualTo("class");
        assertThat(p.interval()).isEqualTo("15m");
        assertThat(p.kwAvg()).isEqualTo(2.469134);
        assertThat(p.readings()).isEqualTo(30);
        assertThat(p.meters()).isEqualTo(2);
    }
}
