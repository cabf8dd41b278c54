using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Cake.EcsDeploy.Reporting;

/// <summary>
/// The run's timeline as a Mermaid <c>gantt</c> chart, which GitHub draws in a job summary: one bar per phase (back up,
/// render, deploy, verify, roll back), from the end of the previous phase to the phase's last moment, the failed
/// phase in red. Times are the real ones (Unix milliseconds), so the axis shows the reader's clock time.
/// </summary>
public static class DeployTimelineChart
{
    /// <summary>The <c>gantt</c> source (without the <c>```mermaid</c> fence); empty when the timeline is empty.</summary>
    public static string Gantt(JsonObject report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var view = new ReportView(report);
        var phases = Phases(view);
        if (phases.Count == 0)
        {
            return "";
        }

        var start = view.StartedAt ?? DateTimeOffset.UnixEpoch;
        var totalMs = Math.Max(1, (long)Math.Round(Math.Max(view.DurationSeconds, phases[^1].EndSeconds) * 1000));
        // A phase that took a millisecond still gets a bar one can see.
        var minimumMs = Math.Max(1, totalMs / 100);

        var chart = new StringBuilder()
            .Append("gantt\n")
            .Append("    title ").Append(Label(Title(view))).Append('\n')
            .Append("    dateFormat x\n")
            .Append("    axisFormat ").Append(AxisFormat(totalMs)).Append('\n')
            .Append("    todayMarker off\n");
        string? section = null;
        foreach (var phase in phases)
        {
            if (phase.Section != section)
            {
                section = phase.Section;
                chart.Append("    section ").Append(Label(section)).Append('\n');
            }

            var from = start.ToUnixTimeMilliseconds() + (long)Math.Round(phase.StartSeconds * 1000);
            var to = Math.Max(start.ToUnixTimeMilliseconds() + (long)Math.Round(phase.EndSeconds * 1000), from + minimumMs);
            chart.Append("    ").Append(Label(phase.Label)).Append(" :").Append(phase.Tag).Append(", ")
                .Append(from.ToString(CultureInfo.InvariantCulture)).Append(", ")
                .Append(to.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return chart.ToString();
    }

    // Short enough that the ten or so ticks d3 draws do not run into each other.
    private static string AxisFormat(long totalMs) => totalMs switch
    {
        < 10_000 => "%S.%L",
        < 600_000 => "%M:%S",
        _ => "%H:%M",
    };

    /// <summary>
    /// Text made safe for a Mermaid gantt title, section or task name: <c>:</c> ends a task's name and <c>#</c>, <c>;</c>
    /// end a statement, so they become look-alikes (<c>∶</c>, <c>＃</c>) or a comma; line breaks become spaces.
    /// </summary>
    public static string Label(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var label = text.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ')
            .Replace(':', '∶').Replace('#', '＃').Replace(';', ',').Replace("%%", "%")
            .Trim();
        return label.Length == 0 ? "-" : label;
    }

    internal sealed record ChartPhase(string Section, string Label, string Tag, double StartSeconds, double EndSeconds);

    internal static IReadOnlyList<ChartPhase> Phases(ReportView view)
    {
        var phases = new List<ChartPhase>();
        var previousEnd = 0.0;
        foreach (var group in Consecutive(view.Timeline))
        {
            var step = group[0].Step;
            var end = Math.Max(previousEnd, group.Max(m => m.ElapsedSeconds));
            var failed = step == view.FailedStep || (step == "Rollback" && view.RollbackFailure is not null);
            var tag = failed ? "crit" : step == "Rollback" ? "active" : "done";
            phases.Add(new ChartPhase(step == "Rollback" ? "Rollback" : "Deploy", PhaseLabel(view, step, failed), tag, previousEnd, end));
            previousEnd = end;
        }

        return phases;
    }

    private static string Title(ReportView view)
    {
        var service = view.Service ?? "the service";
        return view.ManualRollback
            ? $"Rollback of {service} by hand"
            : view.Image is { } image ? $"Deploy of {image} to {service}" : $"Deploy to {service}";
    }

    private static string PhaseLabel(ReportView view, string step, bool failed) => step switch
    {
        "BackupTaskDefinition" => view.PreviousArn is { } previous ? $"Back up {ReportView.Short(previous)}" : "Back up" + (failed ? " (failed)" : ""),
        "RenderTaskDefinition" => "Render" + (view.Image is { } image ? " " + image : "") + (failed ? " (failed)" : ""),
        "DeployService" => "Deploy" + (view.NewArn is { } created ? " " + ReportView.Short(created) : "") + (view.Deployment is { } d
            ? " - " + EndWord(d.End)
            : failed ? " - failed" : ""),
        "VerifyEndpoint" => view.Verification is { } v
            ? $"Verify - {v.PassedCount} of {v.Attempts.Count} requests passed"
            : "Verify" + (failed ? " - failed" : ""),
        "Rollback" => "Roll back" + ((view.RolledBackToArn ?? view.PreviousArn) is { } to ? " to " + ReportView.Short(to) : "") +
            (view.RollbackFailure is not null ? " - FAILED" : view.RollbackVerification?.Passed == true ? " - verified" : ""),
        "arguments" => "Read arguments - invalid",
        _ => step + (failed ? " - failed" : ""),
    };

    private static string EndWord(string end) => end switch
    {
        "Completed" => "completed",
        "Failed" => "failed",
        "TimedOut" => "timed out",
        "" => "ended",
        _ => end.ToLowerInvariant(),
    };

    private static IEnumerable<List<ReportView.Moment>> Consecutive(IEnumerable<ReportView.Moment> timeline)
    {
        List<ReportView.Moment>? group = null;
        foreach (var moment in timeline)
        {
            if (group is not null && group[0].Step != moment.Step)
            {
                yield return group;
                group = null;
            }

            (group ??= []).Add(moment);
        }

        if (group is not null)
        {
            yield return group;
        }
    }
}
