using System.Globalization;
using System.Text.Json.Nodes;

namespace Cake.EcsDeploy.Reporting;

/// <summary>
/// A typed reading of report.json (<see cref="DeployReport"/>) for the views built from it: the console summary and
/// the GitHub job summary, annotations and outputs. Reads the JSON rather than the run, so the same views can be
/// drawn from a report.json on disk, and so nothing but what the report holds (no environment values, secrets or
/// credentials) can reach them.
/// </summary>
internal sealed class ReportView(JsonObject report)
{
    public string Outcome => Text(report["outcome"]) ?? "in-progress";

    public int ExitCode => (int)(Number(report["exitCode"]) ?? 1);

    public string Message => Text(report["message"]) ?? "";

    public string? Target => Text(report["target"]);

    /// <summary>True for <c>--target=Rollback</c> (a rollback asked for by hand), not a rollback after a failed deploy.</summary>
    public bool ManualRollback => string.Equals(Target, "Rollback", StringComparison.OrdinalIgnoreCase);

    public string? Cluster => Text(report["cluster"]);

    public string? Service => Text(report["service"]);

    public string? Image => Text(report["image"]);

    public string? PreviousImage => Text(report["previousImage"]);

    public string? PreviousArn => Text(report["revisions"]?["previous"]);

    public string? NewArn => Text(report["revisions"]?["new"]);

    public string? RolledBackToArn => Text(report["revisions"]?["rolledBackTo"]);

    public string? DeregisteredArn => Text(report["revisions"]?["deregistered"]);

    public bool BackupReregistered => Flag(report["revisions"]?["backupReregistered"]);

    public string? FailedStep => Text(report["failure"]?["step"]);

    public string? FailureReason => Text(report["failure"]?["reason"]);

    public bool FailureIsInput => Flag(report["failure"]?["input"]);

    public string? RollbackFailure => Text(report["rollbackFailure"]);

    public DateTimeOffset? StartedAt => Time(report["startedAt"]);

    public DateTimeOffset? FinishedAt => Time(report["finishedAt"]);

    public double DurationSeconds => Number(report["durationSeconds"]) ?? 0;

    public Phase? Deployment => Phase.From(report["deployment"]);

    public Check? Verification => Check.From(report["verification"]);

    public Phase? RollbackDeployment => Phase.From(report["rollback"]?["deployment"]);

    public Check? RollbackVerification => Check.From(report["rollback"]?["verification"]);

    public IReadOnlyList<Moment> Timeline => Items(report["timeline"]).Select(e => new Moment(
        Number(e["elapsedSeconds"]) ?? 0, Text(e["step"]) ?? "", Text(e["event"]) ?? "", Time(e["at"]))).ToList();

    public IReadOnlyList<ServiceEvent> ServiceEvents => Items(report["serviceEvents"])
        .Select(e => new ServiceEvent(Time(e["createdAt"]), Text(e["message"]) ?? ""))
        .OrderBy(e => e.CreatedAt ?? DateTimeOffset.MinValue)
        .ToList();

    /// <summary>
    /// The revision the service runs now, as far as the run knows: the new one when deployed, the restored one after a
    /// rollback, the untouched previous one when the run failed before changing the service; null when a rollback
    /// failed (the service may run either, or be between them) or nothing was read.
    /// </summary>
    public string? RunningArn => Outcome switch
    {
        "deployed" => NewArn,
        "rolled-back" => RolledBackToArn ?? PreviousArn,
        "invalid-input" or "error" => PreviousArn,
        _ => null,
    };

    /// <summary>
    /// The revision the service ran before this run: the backed-up one, or for a manual rollback the one it undid.
    /// </summary>
    public string? RanBeforeArn => ManualRollback ? NewArn ?? PreviousArn : PreviousArn;

    /// <summary>The revision this run put the service on: the new one, or for a manual rollback the restored one.</summary>
    public string? DeployedArn => ManualRollback ? RolledBackToArn : NewArn;

    /// <summary>What to say when <see cref="RunningArn"/> is null.</summary>
    public string RunningUnknown => Outcome switch
    {
        "rollback-failed" => "UNKNOWN: check the service",
        "invalid-input" or "error" => "not changed by this run",
        _ => "unknown",
    };

    /// <summary><c>family:revision</c> of a task-definition ARN (or the text itself when it is not one).</summary>
    public static string? Short(string? arn) => arn is null ? null : Deployments.DeploymentWaiter.ShortName(arn);

    public static string Duration(double seconds) => seconds switch
    {
        < 60 => seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
        < 3600 => $"{(int)(seconds / 60)} min {(int)(seconds % 60)} s",
        _ => $"{(int)(seconds / 3600)} h {(int)(seconds % 3600 / 60)} min",
    };

    /// <summary>Seconds for a table cell; the no-break space keeps the unit beside its number.</summary>
    public static string Seconds(double seconds) => seconds.ToString("0.0##", CultureInfo.InvariantCulture) + "\u00a0s";

    internal static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    internal static bool Flag(JsonNode? node) => node is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;

    // A report built in memory holds CLR numbers (int, double); one read from disk holds JSON numbers. Both print the same.
    internal static double? Number(JsonNode? node) =>
        node is JsonValue && double.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static DateTimeOffset? Time(JsonNode? node) =>
        Text(node) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time) ? time : null;

    private static IEnumerable<JsonObject> Items(JsonNode? node) => node is JsonArray array ? array.OfType<JsonObject>() : [];

    /// <summary>A moment of the run's timeline.</summary>
    internal sealed record Moment(double ElapsedSeconds, string Step, string Event, DateTimeOffset? At);

    /// <summary>An event ECS reported for the service.</summary>
    internal sealed record ServiceEvent(DateTimeOffset? CreatedAt, string Message);

    /// <summary>How a deployment (of the new revision, or of the rollback) ended.</summary>
    internal sealed record Phase(string End, string Summary, double ElapsedSeconds)
    {
        public static Phase? From(JsonNode? node) => node is JsonObject o
            ? new Phase(Text(o["end"]) ?? "", Text(o["summary"]) ?? "", Number(o["elapsedSeconds"]) ?? 0)
            : null;
    }

    /// <summary>A verification and its requests.</summary>
    internal sealed record Check(bool Passed, string Summary, IReadOnlyList<Attempt> Attempts)
    {
        public static Check? From(JsonNode? node) => node is JsonObject o
            ? new Check(Flag(o["passed"]), Text(o["summary"]) ?? "", Items(o["attempts"]).Select(a => new Attempt(
                (int)(Number(a["number"]) ?? 0), Number(a["atSeconds"]) ?? 0, Number(a["status"]) is { } s ? (int)s : null,
                Flag(a["passed"]), Text(a["detail"]) ?? "")).ToList())
            : null;

        public int PassedCount => Attempts.Count(a => a.Passed);
    }

    /// <summary>One verification request.</summary>
    internal sealed record Attempt(int Number, double AtSeconds, int? Status, bool Passed, string Detail);
}
