package io.kilowatch.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryCsvTest {
    private static final RegistryEntry E =
            new RegistryEntry("M1", "C1", "industrial", "T1", "F1", "north", "tou-industrial", 315, 630, 230, 3);

    @Test
    void rowsRoundTripAndColumnsMayComeInAnyOrder() {
        assertThat(RegistryCsv.parse(List.of(RegistryCsv.header(), RegistryCsv.row(E))))
                .containsExactly(E);
        List<String> shuffled = List.of(
                "phases,meterId,customerId,CLASS,transformerId,feederId,region,tariffPlan,contractedKva,transformerKva,nominalVoltageV",
                "3,M1,C1,Industrial,T1,F1,north,tou-industrial,315,630,230",
                "",
                "# comment lines and blank lines are skipped");
        assertThat(RegistryCsv.parse(shuffled)).containsExactly(E);
    }

    @Test
    void theBillingColumnsAreOptionalAndCheckedWhenPresent() {
        RegistryEntry twoPart = E.withBilling("1-10kV", "contract", 250.0);
        RegistryEntry other =
                new RegistryEntry("M2", "C2", "residential", "T1", "F1", "north", "zj-res-tier", 8, 630, 230, 1);
        assertThat(RegistryCsv.parse(List.of(RegistryCsv.header(), RegistryCsv.row(twoPart), RegistryCsv.row(other))))
                .containsExactly(twoPart, other);
        String header =
                "meterId,customerId,class,transformerId,feederId,region,tariffPlan,contractedKva,transformerKva,nominalVoltageV,"
                        + "phases,voltageLevel,billingBasis,contractKw";
        assertThatThrownBy(() -> RegistryCsv.parse(List.of(
                        header,
                        "M1,C1,industrial,T1,F1,north,p,630,630,230,3,1-10kV,monthly,",
                        "M2,C2,industrial,T1,F1,north,p,630,630,230,3,1-10kV,contract,",
                        "M3,C3,industrial,T1,F1,north,p,630,630,230,3,1-10kV,demand,-5")))
                .hasMessageContaining("line 2: billingBasis 'monthly' is not one of")
                .hasMessageContaining("line 3: billingBasis contract needs contractKw")
                .hasMessageContaining("line 4: contractKw must be a positive number");
    }

    @Test
    void theConcentratorColumnIsOptionalAndItsIdChecked() {
        RegistryEntry behind = E.withConcentrator("FZC1");
        RegistryEntry own =
                new RegistryEntry("M2", "C2", "residential", "T1", "F1", "north", "zj-res-tier", 8, 630, 230, 1);
        assertThat(RegistryCsv.parse(List.of(RegistryCsv.header(), RegistryCsv.row(behind), RegistryCsv.row(own))))
                .containsExactly(behind, own);
        assertThat(RegistryCsv.parse(List.of(RegistryCsv.header(), RegistryCsv.row(E)))
                        .get(0)
                        .concentratorId())
                .as("an empty cell: the meter publishes its own readings")
                .isNull();
        assertThatThrownBy(() -> RegistryCsv.parse(
                        List.of(RegistryCsv.header(), RegistryCsv.row(E).replaceFirst(",$", ",FZC/1"))))
                .hasMessageContaining("line 2: concentratorId 'FZC/1' is not a valid id");
    }

    @Test
    void oneBadRowRejectsTheWholeFileNamingEveryBadLine() {
        List<String> lines = List.of(
                RegistryCsv.header(),
                RegistryCsv.row(E),
                "M2,C2,spaceship,T1,F1,north,flat,10,630,230,1",
                "M3,C3,residential,T1,F1,north,flat,-4,630,230,1",
                "M4,C4,residential,T/1,F1,north,flat,4,630,230,1",
                "M5,C5,residential,T1,F1,north,flat,4,630,230,2",
                RegistryCsv.row(E));
        assertThatThrownBy(() -> RegistryCsv.parse(lines))
                .hasMessageContaining("nothing loaded")
                .hasMessageContaining("line 3: class 'spaceship'")
                .hasMessageContaining("line 4: contractedKva must be a positive number")
                .hasMessageContaining("line 5: transformerId 'T/1' is not a valid id")
                .hasMessageContaining("line 6: phases must be 1 or 3")
                .hasMessageContaining("line 7: meter M1 appears twice");
        assertThatThrownBy(() -> RegistryCsv.parse(List.of("meterId,customerId")))
                .hasMessageContaining("lacks column class");
    }
}
