using System.Text;
using System.Text.Json.Nodes;

namespace Cake.EcsDeploy.Reporting;

/// <summary>
/// The table printed at the end of a run: outcome, service, image, the revisions involved, verification, duration and
/// the artifacts folder, one aligned line each. Built from report.json (<see cref="DeployReport"/>) alone, so it holds
/// no environment value, secret or credential.
/// </summary>
public static class ConsoleSummary
{
    /// <summary>The summary, as plain text lines (no trailing line break).</summary>
    /// <param name="report">The run's report.</param>
    /// <param name="artifactsDirectory">The artifacts folder to name, or null to leave it out.</param>
    public static string Render(JsonObject report, string? artifactsDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var view = new ReportView(report);
        var rows = new List<(string Name, string Value)>
        {
            ("Outcome", Outcome(view)),
            ("Service", (view.Service ?? "(not given)") + (view.Cluster is null ? "" : $" (cluster {view.Cluster})")),
        };
        if (view.Image is not null)
        {
            rows.Add(("Image", view.Image + (view.PreviousImage is null ? "" : $" (was {view.PreviousImage})")));
        }

        if (view.PreviousArn is { } previous)
        {
            rows.Add((view.ManualRollback ? "Backup" : "Previous", ReportView.Short(previous)!));
        }

        if (view.NewArn is { } created)
        {
            rows.Add((view.ManualRollback ? "Undone" : "New", ReportView.Short(created) + (view.DeregisteredArn == created ? " (deregistered)" : "")));
        }

        if (view.RolledBackToArn is { } rolledBackTo)
        {
            rows.Add((view.Outcome == "rollback-failed" ? "Rollback to" : "Rolled back", ReportView.Short(rolledBackTo) +
                (view.BackupReregistered ? " (the backup, registered again)" : "") + (view.Outcome == "rollback-failed" ? " FAILED" : "")));
        }

        rows.Add(("Runs now", ReportView.Short(view.RunningArn) ?? view.RunningUnknown));
        if (Verification(view) is { Length: > 0 } verification)
        {
            rows.Add(("Verification", verification));
        }

        if (view.FailedStep is { } step)
        {
            rows.Add(("Failed step", step));
        }

        if (view.RollbackFailure is not null)
        {
            rows.Add(("Rollback", "failed"));
        }

        rows.Add(("Duration", ReportView.Duration(view.DurationSeconds)));
        if (!string.IsNullOrEmpty(artifactsDirectory))
        {
            rows.Add(("Artifacts", artifactsDirectory));
        }

        var width = rows.Max(r => r.Name.Length) + 2;
        var text = new StringBuilder("Deploy summary\n--------------");
        foreach (var (name, value) in rows)
        {
            text.Append('\n').Append(name.PadRight(width)).Append(value.Replace("\r\n", " ").Replace('\n', ' '));
        }

        return text.ToString();
    }

    private static string Outcome(ReportView view) => view.Outcome switch
    {
        "deployed" => "DEPLOYED, verified",
        "rolled-back" when view.ManualRollback => "ROLLED BACK by hand, verified",
        "rolled-back" => "ROLLED BACK: the deploy failed, the previous revision runs again, verified",
        "rollback-failed" => "ROLLBACK FAILED: the service may be broken",
        "invalid-input" => "NOT DEPLOYED: invalid input, nothing changed in ECS",
        "error" => "FAILED before the service was changed",
        var other => other,
    } + $" (exit code {view.ExitCode})";

    private static string Verification(ReportView view)
    {
        var parts = new List<string>();
        if (view.Verification is { } verification)
        {
            parts.Add($"{(verification.Passed ? "passed" : "failed")} ({verification.PassedCount} of {verification.Attempts.Count} requests passed)");
        }

        if (view.RollbackVerification is { } after)
        {
            parts.Add($"{(view.ManualRollback ? "" : "after the rollback ")}{(after.Passed ? "passed" : "failed")} ({after.PassedCount} of {after.Attempts.Count})");
        }

        return string.Join("; ", parts);
    }
}
