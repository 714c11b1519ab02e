package io.kilowatch.flink.influx;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.flink.records.BillPoint;
import io.kilowatch.flink.records.DailyKpi;
import io.kilowatch.flink.records.LoadPoint;
import io.kilowatch.flink.records.PipelineCount;
import io.kilowatch.flink.records.RevenuePoint;
import io.kilowatch.model.Alert;
import org.junit.jupiter.api.Test;

class LineProtocolTest {
    @Test
    void loadPointIsOneLineWithIntegerCountsAndMillisecondTimestamp() {
        LoadPoint p = new LoadPoint(
                "meter",
                "MAC000002",
                "15m",
                1_700_000_100_000L,
                1.5,
                2.25,
                0.5,
                0.375,
                Double.NaN,
                15,
                1,
                0,
                "register",
                null);
        assertThat(LineProtocol.load(p))
                .isEqualTo("load,id=MAC000002,interval=15m,level=meter kw_avg=1.5,kw_max=2.25,kw_min=0.5,"
                        + "kwh=0.375,meters=1i,readings=15i,estimated=0i,energy_source=\"register\" 1700000100000");
        LoadPoint withKvarh = new LoadPoint("meter", "M", "15m", 0, 4, 4, 4, 1, 0.75, 15, 1, 0, "power", null);
        assertThat(LineProtocol.load(withKvarh)).contains(",kwh=1.0,kvarh=0.75,meters=1i,");
    }

    @Test
    void aggregatesHaveNoEnergySourceAndRegisterEventsAreStrings() {
        assertThat(LineProtocol.load(LoadPoint.aggregate("feeder", "F 1", "1m", 60_000, 3, 4, 2, 0.05, 10, 5, 1)))
                .isEqualTo(
                        "load,id=F\\ 1,interval=1m,level=feeder kw_avg=3.0,kw_max=4.0,kw_min=2.0,kwh=0.05,meters=5i,readings=10i,estimated=1i 60000");
        assertThat(LineProtocol.load(new LoadPoint(
                        "meter", "m", "15m", 0, 1, 1, 1, 0.25, Double.NaN, 1, 1, 0, "power", "backwards")))
                .endsWith(",energy_source=\"power\",register_event=\"backwards\" 0");
    }

    @Test
    void dailyKpiNamesEnergyByTimeOfUsePeriod() {
        DailyKpi k = new DailyKpi(
                "region",
                "north",
                1_000,
                2_000,
                20,
                1_500,
                1,
                1_100,
                5,
                0.25,
                0.95,
                120,
                96,
                2,
                new String[] {"peak", "valley"},
                new double[] {100, 20});
        assertThat(LineProtocol.dailyKpi(k))
                .isEqualTo("daily_kpi,id=north,level=region peak_kw=20.0,peak_ts=1500i,valley_kw=1.0,"
                        + "valley_ts=1100i,avg_kw=5.0,load_factor=0.25,peak_valley_ratio=0.95,kwh=120.0,intervals=96i,estimated=2i,"
                        + "kwh_peak=100.0,kwh_valley=20.0 1000");
    }

    @Test
    void alertsAreTaggedByWhatAndWhomWithTheirStateAndWordsAsFields() {
        Alert open = new Alert(
                "m 1/over_capacity/1000",
                "over_capacity",
                "warning",
                "meter",
                "m 1",
                "c,1",
                Alert.State.OPEN,
                2_000,
                1_000,
                10.5,
                8,
                "kVA",
                "Load of m 1 reached \"10.5\" kVA");
        assertThat(LineProtocol.alert(open))
                .isEqualTo(
                        "alerts,customer=c\\,1,id=m\\ 1,level=meter,rule=over_capacity,severity=warning,type=over_capacity "
                                + "state=\"OPEN\",value=10.5,threshold=8.0,opened_at=1000i,unit=\"kVA\",message=\"Load of m 1 reached \\\"10.5\\\" kVA\","
                                + "alert_id=\"m 1/over_capacity/1000\",parent_id=\"\" 2000");
        Alert grid = new Alert(
                "T1/excess_line_loss/0",
                "excess_line_loss",
                "warning",
                "transformer",
                "T1",
                null,
                Alert.State.RESOLVED,
                5,
                0,
                0.2,
                0.1,
                "ratio",
                "back");
        assertThat(LineProtocol.alert(grid))
                .as("a grid alert has no customer tag")
                .startsWith("alerts,id=T1,level=transformer,");
        Alert tamper = new Alert(
                        "M1/tamper.current_no_energy/7",
                        "tamper",
                        "critical",
                        "meter",
                        "M1",
                        "C1",
                        Alert.State.OPEN,
                        9,
                        7,
                        1.5,
                        0.2,
                        "A",
                        "m")
                .withParent("T1/area_outage/7");
        assertThat(LineProtocol.alert(tamper))
                .as("two kinds of tamper on one meter are two series; a member names its incident")
                .contains(",rule=tamper.current_no_energy,")
                .endsWith(",alert_id=\"M1/tamper.current_no_energy/7\",parent_id=\"T1/area_outage/7\" 9");
    }

    @Test
    void aBillUnderATimeOfUsePlanCarriesTheMonthsEnergyPerPeriod() {
        BillPoint b = new BillPoint(
                "C1",
                "hb-ic-lv-tou",
                "2026-03",
                0,
                true,
                null,
                "10.00",
                "20.00",
                "10.00",
                "0.00",
                "0.00",
                30,
                Double.NaN,
                Double.NaN,
                5,
                false,
                false,
                true,
                new String[] {"flat", "peak", "valley"},
                new double[] {10, 12.5, 7.5},
                false,
                false);
        assertThat(LineProtocol.bill(b)).contains(",as_of=5i,kwh_flat=10.0,kwh_peak=12.5,kwh_valley=7.5 0");
    }

    @Test
    void aMetersPlaceInTheGridIsOnePointAtTimeZeroOverwrittenByEachUpdate() {
        var entry = new io.kilowatch.model.RegistryEntry(
                "M 1", "C1", "residential", "T1", "F1", "north", "zj-res-tier", 8, 630, 230, 1);
        assertThat(LineProtocol.registry(new io.kilowatch.flink.records.RegistryUpdate("M 1", entry)))
                .isEqualTo(
                        "registry,class=residential,customer=C1,feeder=F1,id=M\\ 1,region=north,transformer=T1 present=true,contracted_kva=8.0,"
                                + "tariff_plan=\"zj-res-tier\" 0");
        assertThat(LineProtocol.registry(new io.kilowatch.flink.records.RegistryUpdate("M 1", null)))
                .as("a removed meter")
                .isEqualTo("registry,id=M\\ 1 present=false 0");
    }

    @Test
    void aBillIsOnePointPerCustomerPlanAndMonthWithItsAmountsInYuanToTheFen() {
        BillPoint b = new BillPoint(
                "C 1",
                "hb-ic-10kv-2part",
                "2026-03",
                1_772_294_400_000L,
                true,
                "demand",
                "24237.94",
                "70500.1",
                "20000.00",
                "4237.94",
                "-12.30",
                31_234.5,
                408,
                0.93,
                1_772_467_200_000L,
                false,
                false,
                true);
        assertThat(LineProtocol.bill(b))
                .isEqualTo("bills,customer=C\\ 1,month=2026-03,plan=hb-ic-10kv-2part total=24237.94,projected=70500.10,"
                        + "energy=20000.00,basic=4237.94,pf_adjustment=-12.30,kwh=31234.5,max_demand_kw=408.0,power_factor=0.93,current=true,"
                        + "illustrative=true,as_of=1772467200000i,basis=\"demand\" 1772294400000");
        BillPoint single = new BillPoint(
                "C2",
                "zj-res-tier",
                "2026-03",
                0,
                false,
                null,
                "1.00",
                "2.00",
                "1.00",
                null,
                null,
                2,
                Double.NaN,
                Double.NaN,
                0,
                true,
                true,
                true);
        assertThat(LineProtocol.bill(single))
                .as(
                        "a plan without a basic charge or power-factor adjustment, never the customer's: no such fields, no usage, no current")
                .doesNotContain(
                        "basic", "pf_adjustment", "kwh=", "max_demand_kw", "power_factor", "basis", "as_of", "current")
                .contains(",final=true,partial=true,");
    }

    @Test
    void aRepeatedBillOfTheMonthLeavesOutWhatItsFirstPointSaidOnce() {
        BillPoint repeat = new BillPoint(
                "C1",
                "hb-ic-10kv-2part",
                "2026-03",
                5,
                true,
                "demand",
                "30.00",
                "60.00",
                "20.00",
                "10.00",
                "0.00",
                40,
                120,
                0.93,
                9,
                false,
                false,
                true,
                new String[] {"peak"},
                new double[] {40},
                true,
                true);
        assertThat(LineProtocol.bill(repeat))
                .isEqualTo(
                        "bills,customer=C1,month=2026-03,plan=hb-ic-10kv-2part total=30.00,projected=60.00,energy=20.00,"
                                + "basic=10.00,pf_adjustment=0.00,kwh=40.0,max_demand_kw=120.0,power_factor=0.93,as_of=9i,kwh_peak=40.0 5");
    }

    @Test
    void aPlanTheCustomerLeftSaysCurrentFalseOverItsEarlierTrueAndAPlanNeverCurrentLeavesItOut() {
        BillPoint left = otherPlansBill(true);
        assertThat(LineProtocol.bill(left))
                .isEqualTo("bills,customer=C1,month=2026-03,plan=zj-res-tier total=30.00,projected=60.00,energy=30.00,"
                        + "current=false,illustrative=true 5");
        assertThat(LineProtocol.bill(otherPlansBill(false)))
                .isEqualTo("bills,customer=C1,month=2026-03,plan=zj-res-tier total=30.00,projected=60.00,energy=30.00,"
                        + "illustrative=true 5");
    }

    private static BillPoint otherPlansBill(boolean wasCurrent) {
        return new BillPoint(
                "C1",
                "zj-res-tier",
                "2026-03",
                5,
                false,
                null,
                "30.00",
                "60.00",
                "30.00",
                null,
                null,
                40,
                Double.NaN,
                Double.NaN,
                9,
                false,
                false,
                true,
                new String[0],
                new double[0],
                false,
                wasCurrent);
    }

    @Test
    void revenueKeepsIntegerFenBesideYuanSoItsSumsAreExact() {
        assertThat(LineProtocol.revenue(
                        new RevenuePoint("class", "commercial", "2026-03", 5, 123_456_789, 250_000_001, 1_999, 42)))
                .isEqualTo(
                        "revenue,id=commercial,level=class,month=2026-03 billed=1234567.89,billed_fen=123456789i,projected=2500000.01,"
                                + "projected_fen=250000001i,hint_saving=19.99,hint_saving_fen=1999i,customers=42i 5");
    }

    @Test
    void pipelineCountsAreIntegerFieldsNamedAfterTheCounter() {
        assertThat(LineProtocol.pipeline(new PipelineCount("load-curves", "late_15m", 7, 123)))
                .isEqualTo("pipeline,component=load-curves late_15m=7i 123");
    }

    @Test
    void doublesKeepEveryDigit() {
        LoadPoint p = new LoadPoint(
                "meter",
                "m",
                "1m",
                0,
                0.1 + 0.2,
                1e-300,
                -1.7976931348623157E308,
                1.0 / 3,
                Double.NaN,
                1,
                1,
                0,
                null,
                null);
        assertThat(LineProtocol.load(p))
                .contains(
                        "kw_avg=0.30000000000000004,kw_max=1.0E-300,kw_min=-1.7976931348623157E308,kwh=0.3333333333333333,");
    }

    @Test
    void tagValuesAreEscaped() {
        StringBuilder b = new StringBuilder();
        LineProtocol.tag(b, "a b,c=d\\e\nf");
        assertThat(b).hasToString("a\\ b\\,c\\=d\\\\e f");
    }

    @Test
    void stringFieldsAreQuotedAndEscaped() {
        StringBuilder b = new StringBuilder();
        LineProtocol.stringField(b, "say \"hi\" \\ bye");
        assertThat(b).hasToString("\"say \\\"hi\\\" \\\\ bye\"");
    }
}
