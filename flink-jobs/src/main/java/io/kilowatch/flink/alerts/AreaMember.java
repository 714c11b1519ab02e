package io.kilowatch.flink.alerts;

import io.kilowatch.model.Alert;

/** An alert on its way to the incident fold of its group: a meter's to its transformer area, a transformer's to its feeder. */
public record AreaMember(String groupId, Alert alert) {}
