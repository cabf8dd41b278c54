using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Cake.EcsDeploy.Reporting;

/// <summary>What <see cref="GitHubActionsReport.Write"/> wrote.</summary>
/// <param name="SummaryFile">The job-summary file appended to, or null when <c>GITHUB_STEP_SUMMARY</c> is not set.</param>
/// <param name="OutputFile">The step-output file appended to, or null when <c>GITHUB_OUTPUT</c> is not set.</param>
/// <param name="Annotations">How many annotation lines were written.</param>
public sealed record GitHubActionsWritten(string? SummaryFile, string? OutputFile, int Annotations);

/// <summary>
/// What a run shows in GitHub Actions, built from report.json (<see cref="DeployReport"/>) and nothing else, so it can
/// hold no environment value, secret or credential: a Markdown job summary (outcome, revisions, what failed, what to
/// do, verification requests, a Mermaid timeline, service events), annotations for the outcome, and step outputs.
/// </summary>
/// <remarks>
/// Step outputs: <c>outcome</c> (deployed, rolled-back, rollback-failed, invalid-input, error), <c>exit-code</c>,
/// <c>task-definition-arn</c> (the revision the service runs at the end: the new one when deployed, the restored one
/// after a rollback, the untouched previous one when the run failed before changing the service; empty when a rollback
/// failed and it is unknown), <c>new-task-definition-arn</c> (the revision this run registered, empty if none; for
/// <c>--target=Rollback</c> the restored one), <c>previous-task-definition-arn</c> (what the service ran before the run;
/// for <c>--target=Rollback</c> the revision undone), <c>image</c> and <c>message</c> (may span lines).
/// </remarks>
public static class GitHubActionsReport
{
    private const int AttemptsShownAtEachEnd = 5;
    private const int MaxEventsShown = 20;
    private const int MaxTimelineShown = 40;

    /// <summary>True when running in GitHub Actions (<c>GITHUB_ACTIONS=true</c>).</summary>
    public static bool IsEnabled(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return string.Equals(environment("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Appends the job summary to <c>GITHUB_STEP_SUMMARY</c> and the outputs to <c>GITHUB_OUTPUT</c> (each when set),
    /// and writes the annotations to <paramref name="annotations"/>, which must be the step's standard output, each
    /// line at its start. Call it only when <see cref="IsEnabled"/>.
    /// </summary>
    public static GitHubActionsWritten Write(JsonObject report, Func<string, string?> environment, TextWriter annotations)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(annotations);

        var summaryFile = NonEmpty(environment("GITHUB_STEP_SUMMARY"));
        if (summaryFile is not null)
        {
            AppendOnNewLine(summaryFile, JobSummary(report));
        }

        var outputFile = NonEmpty(environment("GITHUB_OUTPUT"));
        if (outputFile is not null)
        {
            AppendOnNewLine(outputFile, string.Concat(Outputs(report).Select(o => GitHubWorkflowCommands.OutputEntry(o.Key, o.Value))));
        }

        var lines = Annotations(report);
        foreach (var line in lines)
        {
            annotations.WriteLine(line);
        }

        annotations.Flush();
        return new GitHubActionsWritten(summaryFile, outputFile, lines.Count);
    }

    /// <summary>The step outputs, in order (see the remarks on <see cref="GitHubActionsReport"/>).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Outputs(JsonObject report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var view = new ReportView(report);
        return
        [
            new("outcome", view.Outcome),
            new("exit-code", view.ExitCode.ToString(CultureInfo.InvariantCulture)),
            new("task-definition-arn", view.RunningArn ?? ""),
            new("new-task-definition-arn", view.DeployedArn ?? ""),
            new("previous-task-definition-arn", view.RanBeforeArn ?? ""),
            new("image", view.Image ?? ""),
            new("message", view.Message),
        ];
    }

    /// <summary>
    /// The annotation lines: an error for every outcome that fails the build, a notice for one that does not, and
    /// warnings for what went wrong on the way (a backed-up revision that had to be registered again, verification
    /// requests that failed before it passed).
    /// </summary>
    public static IReadOnlyList<string> Annotations(JsonObject report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var view = new ReportView(report);
        var service = view.Service ?? "the service";
        var running = ReportView.Short(view.RunningArn);
        var (level, title) = view.Outcome switch
        {
            "deployed" => ("notice", $"Deployed: {service} runs {running}"),
            "rolled-back" when view.ManualRollback => ("notice", $"Rolled back by hand: {service} runs {running} again"),
            "rolled-back" => ("error", $"Deploy failed and was rolled back: {service} runs {running} again"),
            "rollback-failed" => ("error", $"ROLLBACK FAILED: {service} may be broken"),
            "invalid-input" => ("error", "Not deployed: invalid input, nothing was changed in ECS"),
            "error" => ("error", $"Deploy failed before {service} was changed"),
            _ => ("warning", $"The deploy of {service} did not finish"),
        };

        var lines = new List<string> { GitHubWorkflowCommands.Annotation(level, title, view.Message) };
        if (view.BackupReregistered)
        {
            lines.Add(GitHubWorkflowCommands.Annotation("warning", "Backed-up revision was deregistered",
                $"{ReportView.Short(view.PreviousArn)} had been deregistered meanwhile; the rollback registered it again as {ReportView.Short(view.RolledBackToArn)}."));
        }

        if (view.Verification is { Passed: true } verification && verification.PassedCount < verification.Attempts.Count)
        {
            var failed = verification.Attempts.Count - verification.PassedCount;
            lines.Add(GitHubWorkflowCommands.Annotation("warning", "Verification passed after failed requests",
                $"{failed} of {verification.Attempts.Count} verification requests failed before it passed: {verification.Summary}"));
        }

        return lines;
    }

    /// <summary>The job summary in GitHub-flavoured Markdown with a Mermaid chart of the run.</summary>
    public static string JobSummary(JsonObject report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var view = new ReportView(report);
        var md = new StringBuilder();

        md.Append("## ").Append(Headline(view)).Append("\n\n");
        Overview(md, view);
        WhatFailed(md, view);
        WhatToDo(md, view);
        Verification(md, view);
        Timeline(md, report, view);
        ServiceEvents(md, view);
        md.Append("<sub>Cake.EcsDeploy · the same facts are in report.json in the artifacts folder</sub>\n\n");
        return md.ToString();
    }

    private static string Headline(ReportView view)
    {
        var service = Code(view.Service ?? "service");
        var running = view.RunningArn is { } arn ? Code(ReportView.Short(arn)!) : "the previous revision";
        return view.Outcome switch
        {
            "deployed" => $"✅ Deployed: {service} runs {running}",
            "rolled-back" when view.ManualRollback => $"↩️ Rolled back by hand: {service} runs {running} again",
            "rolled-back" => $"↩️ Deploy failed and was rolled back: {service} runs {running} again",
            "rollback-failed" => $"🚨 ROLLBACK FAILED: {service} may be broken",
            "invalid-input" => "⛔ Not deployed: invalid input, nothing was changed in ECS",
            "error" => $"❌ Deploy failed before {service} was changed",
            _ => $"⏳ The deploy of {service} did not finish",
        };
    }

    private static void Overview(StringBuilder md, ReportView view)
    {
        md.Append("| | |\n| --- | --- |\n");
        md.Append("| **Outcome** | ").Append(OutcomeWord(view)).Append(" (exit code ").Append(view.ExitCode).Append(") |\n");
        if (view.Service is not null || view.Cluster is not null)
        {
            md.Append("| **Service** | ").Append(view.Service is null ? "(not given)" : Code(view.Service))
                .Append(view.Cluster is null ? "" : " in cluster " + Code(view.Cluster)).Append(" |\n");
        }

        if (view.Image is not null)
        {
            md.Append("| **Image** | ").Append(Code(view.Image))
                .Append(view.PreviousImage is null ? "" : ", was " + Code(view.PreviousImage)).Append(" |\n");
        }

        if (Revisions(view) is { Length: > 0 } revisions)
        {
            md.Append("| **Revisions** | ").Append(revisions).Append(" |\n");
        }

        md.Append("| **Runs now** | ").Append(view.RunningArn is { } running
            ? Code(ReportView.Short(running)!)
            : view.Outcome == "rollback-failed" ? "**unknown**: check the service" : view.RunningUnknown).Append(" |\n");
        if (VerificationLine(view) is { Length: > 0 } verification)
        {
            md.Append("| **Verification** | ").Append(verification).Append(" |\n");
        }

        md.Append("| **Duration** | ").Append(ReportView.Duration(view.DurationSeconds));
        if (view.StartedAt is { } started && view.FinishedAt is { } finished)
        {
            md.Append(", ").Append(started.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))
                .Append(" to ").Append(finished.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)).Append(" UTC");
        }

        md.Append(" |\n\n");
    }

    private static string OutcomeWord(ReportView view) => view.Outcome switch
    {
        "deployed" => "✅ **deployed** and verified",
        "rolled-back" when view.ManualRollback => "↩️ **rolled back** by hand, verified",
        "rolled-back" => "↩️ **rolled back**, the previous revision verified healthy",
        "rollback-failed" => "🚨 **rollback failed**",
        "invalid-input" => "⛔ **invalid input**",
        "error" => "❌ **error**, service not changed",
        _ => "⏳ " + MarkdownText.Escape(view.Outcome),
    };

    private static string Revisions(ReportView view)
    {
        var parts = new List<string>();
        if (view.ManualRollback)
        {
            if (view.NewArn is { } undone)
            {
                parts.Add("undone " + Code(ReportView.Short(undone)!) + (view.DeregisteredArn == undone ? " (deregistered)" : ""));
            }

            if ((view.RolledBackToArn ?? view.PreviousArn) is { } to)
            {
                parts.Add("rolled back to " + Code(ReportView.Short(to)!) + (view.BackupReregistered ? " (the backup, registered again)" : ""));
            }

            return string.Join(" → ", parts);
        }

        if (view.PreviousArn is { } previous)
        {
            parts.Add("previous " + Code(ReportView.Short(previous)!));
        }

        if (view.NewArn is { } created)
        {
            var note = view.DeregisteredArn == created ? " (deregistered)"
                : view.Outcome == "rolled-back" ? " (kept for inspection)"
                : view.Outcome == "error" ? " (registered, not used)"
                : "";
            parts.Add("new " + Code(ReportView.Short(created)!) + note);
        }

        if (view.RolledBackToArn is { } rolledBackTo)
        {
            var verb = view.Outcome == "rollback-failed" ? "rollback to " : "rolled back to ";
            parts.Add(verb + Code(ReportView.Short(rolledBackTo)!) +
                (view.BackupReregistered ? " (the backup, registered again)" : "") +
                (view.Outcome == "rollback-failed" ? " **failed**" : ""));
        }

        return string.Join(" → ", parts);
    }

    private static string VerificationLine(ReportView view)
    {
        var parts = new List<string>();
        if (view.Verification is { } verification)
        {
            parts.Add($"{Mark(verification.Passed)} {verification.PassedCount} of {verification.Attempts.Count} requests passed");
        }
        else if (view.Deployment is not null && !view.ManualRollback)
        {
            parts.Add("not run (the deployment failed)");
        }

        if (view.RollbackVerification is { } after)
        {
            parts.Add($"after the rollback {Mark(after.Passed)} {after.PassedCount} of {after.Attempts.Count} passed");
        }

        return string.Join("; ", parts);
    }

    private static void WhatFailed(StringBuilder md, ReportView view)
    {
        if (view.FailureReason is null && view.RollbackFailure is null)
        {
            return;
        }

        md.Append("### What failed\n\n");
        if (view.FailureReason is { } reason)
        {
            md.Append("- **").Append(MarkdownText.Escape(view.FailedStep ?? "the run")).Append("**: ").Append(MarkdownText.Escape(reason)).Append('\n');
        }

        if (view.RollbackFailure is { } rollbackFailure)
        {
            md.Append("- **Rollback**: ").Append(MarkdownText.Escape(rollbackFailure)).Append('\n');
        }

        md.Append('\n');
    }

    private static void WhatToDo(StringBuilder md, ReportView view)
    {
        var service = Code(view.Service ?? "the service");
        var previous = view.PreviousArn is { } p ? Code(ReportView.Short(p)!) : "the previous revision";
        var running = view.RunningArn is { } r ? Code(ReportView.Short(r)!) : previous;
        switch (view.Outcome)
        {
            case "rolled-back" when !view.ManualRollback:
                md.Append("### What to do\n\n")
                    .Append("Nothing is broken: ").Append(service).Append(" runs ").Append(running)
                    .Append(" again and answered the verification after the rollback. Fix the release (")
                    .Append(view.FailedStep == "DeployService" ? "the service events below say why its tasks did not run" : "the verification requests below show what it answered")
                    .Append("), then deploy again.");
                if (view.NewArn is { } failed)
                {
                    md.Append(view.DeregisteredArn == failed
                        ? $" The failed revision {Code(ReportView.Short(failed)!)} was deregistered."
                        : $" The failed revision {Code(ReportView.Short(failed)!)} is still registered, for inspection.");
                }

                md.Append("\n\n");
                break;

            case "rollback-failed":
                var to = view.RolledBackToArn ?? view.PreviousArn ?? "<the taskDefinitionArn in task-definition.json.old>";
                md.Append("### What to do now\n\n")
                    .Append("**The service may be broken.** Put it back on the backed-up revision by hand:\n\n")
                    .Append("```sh\n")
                    .Append("aws ecs update-service --cluster ").Append(view.Cluster ?? "<cluster>").Append(" --service ").Append(view.Service ?? "<service>")
                    .Append(" \\\n    --task-definition ").Append(to).Append('\n')
                    .Append("aws ecs wait services-stable --cluster ").Append(view.Cluster ?? "<cluster>").Append(" --services ").Append(view.Service ?? "<service>").Append('\n')
                    .Append("```\n\n")
                    .Append("or retry the rollback with `./build.sh --target=Rollback` and this run's `--artifacts` folder, which holds the backup.\n\n");
                break;

            case "invalid-input":
                md.Append("### What to do\n\nNothing was changed in ECS")
                    .Append(view.PreviousArn is null ? "" : $": {service} still runs {previous}")
                    .Append(". Correct the input named above and run again.\n\n");
                break;

            case "error":
                md.Append("### What to do\n\n")
                    .Append(view.PreviousArn is null ? "The service was not changed" : $"{service} still runs {previous}")
                    .Append("; nothing needs restoring. Fix the cause above (is ECS reachable, may this identity call it?) and run again.\n\n");
                break;
        }
    }

    private static void Verification(StringBuilder md, ReportView view)
    {
        if (view.Verification is null && view.RollbackVerification is null)
        {
            return;
        }

        md.Append("### Verification\n\n");
        // Each check is named "the new release x" or "x after the rollback", in Markdown (bullets) and in plain text (details).
        var checks = new List<(string Markdown, string Text, ReportView.Check Check)>();
        if (view.Verification is { } verification)
        {
            var created = ReportView.Short(view.NewArn);
            checks.Add(("the new release" + (created is null ? "" : " " + Code(created)), "the new release" + (created is null ? "" : " " + created), verification));
        }

        if (view.RollbackVerification is { } after)
        {
            var restored = ReportView.Short(view.RolledBackToArn ?? view.PreviousArn) ?? "the restored revision";
            var when = view.ManualRollback ? " after the rollback by hand" : " after the rollback";
            checks.Add((Code(restored) + when, restored + when, after));
        }

        foreach (var (markdown, _, check) in checks)
        {
            md.Append("- ").Append(Mark(check.Passed)).Append(' ').Append(check.Passed ? "**Passed**" : "**Failed**").Append(", ")
                .Append(markdown).Append(": ").Append(MarkdownText.Escape(check.Summary)).Append('\n');
        }

        md.Append('\n');
        foreach (var (_, text, check) in checks.Where(c => c.Check.Attempts.Count > 0))
        {
            md.Append("<details><summary>").Append(check.Attempts.Count).Append(check.Attempts.Count == 1 ? " request" : " requests")
                .Append(" to ").Append(Html(text)).Append(", ").Append(check.PassedCount).Append(" passed</summary>\n\n");
            md.Append("| # | at | status | detail |\n| ---: | ---: | --- | --- |\n");
            var attempts = check.Attempts;
            var trimmed = attempts.Count > AttemptsShownAtEachEnd * 2 + 2;
            var shown = trimmed ? attempts.Take(AttemptsShownAtEachEnd).Concat(attempts.TakeLast(AttemptsShownAtEachEnd)) : attempts;
            foreach (var attempt in shown)
            {
                if (trimmed && attempt == attempts[^AttemptsShownAtEachEnd])
                {
                    md.Append("| … | | | ").Append(attempts.Count - AttemptsShownAtEachEnd * 2).Append(" more requests not shown |\n");
                }

                md.Append("| ").Append(attempt.Number).Append(" | +").Append(ReportView.Seconds(attempt.AtSeconds)).Append(" | ")
                    .Append(Mark(attempt.Passed)).Append(' ').Append(attempt.Status?.ToString(CultureInfo.InvariantCulture) ?? "no answer").Append(" | ")
                    .Append(MarkdownText.Escape(attempt.Detail)).Append(" |\n");
            }

            md.Append("\n</details>\n\n");
        }
    }

    private static void Timeline(StringBuilder md, JsonObject report, ReportView view)
    {
        var timeline = view.Timeline;
        if (timeline.Count == 0)
        {
            return;
        }

        md.Append("### Timeline\n\n");
        var gantt = DeployTimelineChart.Gantt(report);
        if (gantt.Length > 0)
        {
            md.Append("```mermaid\n").Append(gantt).Append("```\n\n")
                .Append("<sub>Red: the step that failed. The axis shows your local time.</sub>\n\n");
        }

        md.Append("<details><summary>What happened, step by step (").Append(timeline.Count).Append(timeline.Count == 1 ? " moment" : " moments").Append(")</summary>\n\n")
            .Append("| at | step | what happened |\n| ---: | --- | --- |\n");
        foreach (var moment in timeline.Take(MaxTimelineShown))
        {
            md.Append("| +").Append(ReportView.Seconds(moment.ElapsedSeconds)).Append(" | ").Append(MarkdownText.Escape(moment.Step)).Append(" | ")
                .Append(MarkdownText.Escape(moment.Event)).Append(" |\n");
        }

        if (timeline.Count > MaxTimelineShown)
        {
            md.Append("| … | | ").Append(timeline.Count - MaxTimelineShown).Append(" more not shown (see report.json) |\n");
        }

        md.Append("\n</details>\n\n");
    }

    private static void ServiceEvents(StringBuilder md, ReportView view)
    {
        var events = view.ServiceEvents;
        if (events.Count == 0)
        {
            return;
        }

        // When the deployment itself failed, ECS's events are usually the explanation: show them open.
        var open = view.FailedStep == "DeployService" || view.Outcome == "rollback-failed";
        // ECS returns its latest events, so the first ones seen may predate the run.
        var earlier = view.StartedAt is { } started ? events.Count(e => e.CreatedAt < started) : 0;
        md.Append("### Service events\n\n")
            .Append(open ? "<details open>" : "<details>").Append("<summary>").Append(events.Count)
            .Append(events.Count == 1 ? " event" : " events").Append(" ECS reported for the service")
            .Append(earlier > 0 ? $" ({earlier} from before this run)" : "")
            .Append(events.Count > MaxEventsShown ? $", the last {MaxEventsShown} shown" : "").Append("</summary>\n\n")
            .Append("| time (UTC) | event |\n| --- | --- |\n");
        foreach (var e in events.TakeLast(MaxEventsShown))
        {
            md.Append("| ").Append(e.CreatedAt?.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) ?? "?").Append(" | ")
                .Append(MarkdownText.Escape(e.Message)).Append(" |\n");
        }

        md.Append("\n</details>\n\n");
    }

    private static string Mark(bool passed) => passed ? "✅" : "❌";

    private static string Code(string text) => MarkdownText.Code(text);

    private static string Html(string text) => WebUtility.HtmlEncode(text);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    // Appends text so that it starts a line, whatever the file ended with.
    private static void AppendOnNewLine(string path, string text)
    {
        var needsNewLine = false;
        if (File.Exists(path))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (stream.Length > 0)
            {
                stream.Seek(-1, SeekOrigin.End);
                needsNewLine = stream.ReadByte() != '\n';
            }
        }

        File.AppendAllText(path, (needsNewLine ? "\n" : "") + text);
    }
}
