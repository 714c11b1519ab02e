package io.kilowatch.sim.score;

import io.kilowatch.model.Alert;
import io.kilowatch.model.AlertCodec;
import io.kilowatch.model.Hint;
import io.kilowatch.model.HintCodec;

/** The alerts and hints a run left on their topics (or in JSON-lines files). */
public final class AlertLog {
    public static final TopicLog<Alert> ALERTS = new TopicLog<>(new AlertCodec(), "alerts");
    public static final TopicLog<Hint> HINTS = new TopicLog<>(new HintCodec(), "tariff hints");

    private AlertLog() {}
}
