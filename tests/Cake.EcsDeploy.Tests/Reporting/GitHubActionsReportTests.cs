using System.Text.Json.Nodes;
using Cake.EcsDeploy.Reporting;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.Reporting;

/// <summary>The job summary, annotations and outputs, from report.json files of real runs.</summary>
public class GitHubActionsReportTests
{
    private const string Arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/";

    private static string Section(string markdown, string heading)
    {
        var start = markdown.IndexOf("### " + heading + "\n", StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, $"no section '{heading}' in:\n{markdown}");
        var end = markdown.IndexOf("\n### ", start + 4, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    private static string Mermaid(string markdown)
    {
        var start = markdown.IndexOf("```mermaid\n", StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, "no mermaid block");
        var end = markdown.IndexOf("```\n", start + 11, StringComparison.Ordinal);
        return markdown[(start + 11)..end];
    }

    private static string[] TableRows(string markdown, string header) =>
        markdown[markdown.IndexOf(header, StringComparison.Ordinal)..].Split('\n').Skip(2).TakeWhile(l => l.StartsWith('|')).ToArray();

    [Fact]
    public void The_summary_of_a_rolled_back_deploy_says_what_happened_what_failed_what_to_do_and_shows_the_timeline()
    {
        var summary = GitHubActionsReport.JobSummary(ReportExamples.RolledBackAfterVerification);

        summary.ShouldStartWith("## ↩️ Deploy failed and was rolled back: `unhealthy` runs `unhealthy:1` again\n\n");
        summary.ShouldContain("| **Outcome** | ↩️ **rolled back**, the previous revision verified healthy (exit code 3) |");
        summary.ShouldContain("| **Service** | `unhealthy` in cluster `e2e` |");
        summary.ShouldContain("| **Image** | `repo/api:1.1.0-unhealthy`, was `repo/api:1.0.0` |");
        summary.ShouldContain("| **Revisions** | previous `unhealthy:1` → new `unhealthy:2` (deregistered) → rolled back to `unhealthy:1` |");
        summary.ShouldContain("| **Runs now** | `unhealthy:1` |");
        summary.ShouldContain("| **Verification** | ❌ 0 of 8 requests passed; after the rollback ✅ 3 of 3 passed |");
        summary.ShouldContain("| **Duration** | 3.0 s, 2026-12-04 16:35:54 to 16:35:57 UTC |");

        Section(summary, "What failed").ShouldContain("- **VerifyEndpoint**: Verification failed: http://127.0.0.1:37485/lb/e2e/unhealthy/leo did not answer 3 times in a row");
        var todo = Section(summary, "What to do");
        todo.ShouldContain("Nothing is broken: `unhealthy` runs `unhealthy:1` again");
        todo.ShouldContain("The failed revision `unhealthy:2` was deregistered.");

        var verification = Section(summary, "Verification");
        verification.ShouldContain("- ❌ **Failed**, the new release `unhealthy:2`:");
        verification.ShouldContain("- ✅ **Passed**, `unhealthy:1` after the rollback:");
        verification.ShouldContain("<details><summary>8 requests to the new release unhealthy:2, 0 passed</summary>");
        TableRows(verification, "| # | at | status | detail |").Length.ShouldBe(8);
        TableRows(verification[verification.IndexOf("3 requests to unhealthy:1 after the rollback, 3 passed", StringComparison.Ordinal)..], "| # | at | status | detail |")
            .ShouldAllBe(row => row.Contains("✅ 200"));
        verification.ShouldContain("| 8 | +1.408\u00a0s | ❌ 503 | expected 200-299, 0 ms, served by unhealthy:2 |");

        var gantt = Mermaid(Section(summary, "Timeline"));
        gantt.ShouldStartWith("gantt\n");
        gantt.ShouldContain("Verify - 0 of 8 requests passed :crit, ");
        gantt.ShouldContain("section Rollback\n    Roll back to unhealthy∶1 - verified :active, ");
        Section(summary, "Timeline").ShouldContain("<summary>What happened, step by step (11 moments)</summary>");

        var events = Section(summary, "Service events");
        events.ShouldContain("<details><summary>11 events ECS reported for the service (3 from before this run)</summary>");
        events.ShouldContain("| 16:35:57 | (service unhealthy) has reached a steady state. |");
    }

    [Fact]
    public void When_the_deployment_failed_the_service_events_are_shown_open_and_trimmed_to_the_last_twenty()
    {
        var summary = GitHubActionsReport.JobSummary(ReportExamples.RolledBackAfterDeploymentTimeout);

        summary.ShouldContain("| **Verification** | not run (the deployment failed); after the rollback ✅ 3 of 3 passed |");
        Section(summary, "What to do").ShouldContain("the service events below say why its tasks did not run");
        var events = Section(summary, "Service events");
        events.ShouldContain("<details open><summary>21 events ECS reported for the service (3 from before this run), the last 20 shown</summary>");
        TableRows(events, "| time (UTC) | event |").Length.ShouldBe(20);
    }

    [Fact]
    public void The_summary_of_a_failed_rollback_is_loud_and_gives_the_commands_that_restore_the_service()
    {
        var summary = GitHubActionsReport.JobSummary(ReportExamples.RollbackFailed);

        summary.ShouldStartWith("## 🚨 ROLLBACK FAILED: `doomed` may be broken\n");
        summary.ShouldContain("| **Runs now** | **unknown**: check the service |");
        summary.ShouldContain("→ rollback to `doomed:1` **failed** |");
        Section(summary, "What failed").ShouldContain("- **Rollback**: The rolled-back service fails verification:");
        Section(summary, "What to do now").ShouldContain(
            "```sh\naws ecs update-service --cluster e2e --service doomed \\\n    --task-definition " + Arn + "doomed:1\n" +
            "aws ecs wait services-stable --cluster e2e --services doomed\n```");
    }

    [Fact]
    public void A_deploy_that_failed_before_changing_anything_says_nothing_needs_restoring()
    {
        var busy = GitHubActionsReport.JobSummary(ReportExamples.InvalidInputBusy);
        busy.ShouldStartWith("## ⛔ Not deployed: invalid input, nothing was changed in ECS\n");
        busy.ShouldContain("| **Runs now** | not changed by this run |");
        Section(busy, "What to do").ShouldContain("Nothing was changed in ECS. Correct the input named above and run again.");

        var missing = GitHubActionsReport.JobSummary(ReportExamples.InvalidInputArguments);
        missing.ShouldContain("| **Service** | (not given) in cluster `bad-input` |");
        Section(missing, "What failed").ShouldContain("- **arguments**: Missing argument --service=\\<name\\>: the ECS service to deploy.");

        var error = GitHubActionsReport.JobSummary(ReportExamples.ErrorUnreachable);
        error.ShouldStartWith("## ❌ Deploy failed before `shared` was changed\n");
        Section(error, "What to do").ShouldContain("The service was not changed; nothing needs restoring.");
    }

    [Fact]
    public void A_successful_deploy_has_no_failure_sections()
    {
        var summary = GitHubActionsReport.JobSummary(ReportExamples.Deployed);

        summary.ShouldStartWith("## ✅ Deployed: `healthy` runs `healthy:2`\n");
        summary.ShouldContain("| **Revisions** | previous `healthy:1` → new `healthy:2` |");
        summary.ShouldNotContain("### What failed");
        summary.ShouldNotContain("### What to do");
        Mermaid(summary).ShouldNotContain(":crit");
    }

    [Fact]
    public void A_manual_rollback_names_the_revision_it_undid_and_the_one_it_restored()
    {
        var summary = GitHubActionsReport.JobSummary(ReportExamples.ManualRollback);

        summary.ShouldStartWith("## ↩️ Rolled back by hand: `undo` runs `undo:1` again\n");
        summary.ShouldContain("| **Revisions** | undone `undo:2` (deregistered) → rolled back to `undo:1` |");
        summary.ShouldNotContain("| **Image**");
    }

    [Fact]
    public void A_long_list_of_requests_shows_the_first_and_last_five_and_counts_the_rest()
    {
        var report = ReportExamples.RolledBackAfterVerification;
        var attempts = new JsonArray([.. Enumerable.Range(1, 30).Select(n => (JsonNode)new JsonObject
        {
            ["number"] = n, ["atSeconds"] = n * 0.5, ["status"] = n == 30 ? null : 503, ["passed"] = false, ["detail"] = $"attempt {n}",
        })]);
        report["verification"]!["attempts"] = attempts;

        var verification = Section(GitHubActionsReport.JobSummary(report), "Verification");

        var rows = TableRows(verification, "| # | at | status | detail |");
        rows.Length.ShouldBe(5 + 1 + 5);
        rows[0].ShouldStartWith("| 1 |");
        rows[4].ShouldStartWith("| 5 |");
        rows[5].ShouldBe("| … | | | 20 more requests not shown |");
        rows[6].ShouldStartWith("| 26 |");
        rows[10].ShouldBe("| 30 | +15.0\u00a0s | ❌ no answer | attempt 30 |");
    }

    [Fact]
    public void Text_from_ECS_or_the_endpoint_cannot_break_the_tables_or_inject_HTML()
    {
        var report = ReportExamples.RolledBackAfterVerification;
        report["failure"]!["reason"] = "bad | pipe <script>alert(1)</script> *bold* _it_ [link](x) `code`\nsecond line";
        report["serviceEvents"]!.AsArray().Add(new JsonObject { ["createdAt"] = "2026-12-04T16:35:58+00:00", ["message"] = "a | b" });

        var summary = GitHubActionsReport.JobSummary(report);

        Section(summary, "What failed").ShouldContain(
            @"bad \| pipe \<script\>alert(1)\</script\> \*bold\* \_it\_ \[link\](x) \`code\`<br>second line");
        summary.ShouldNotContain("<script>");
        summary.ShouldContain(@"| 16:35:58 | a \| b |");
    }

    [Fact]
    public void Only_what_the_report_holds_can_appear_never_other_fields()
    {
        // report.json never holds environment values or secrets; the views read only the fields they know.
        var report = ReportExamples.RolledBackAfterVerification;
        report["environment"] = new JsonObject { ["DB_PASSWORD"] = "hunter2-secret" };
        report["revisions"]!["secret"] = "hunter2-secret";

        var everything = GitHubActionsReport.JobSummary(report) + string.Join("\n", GitHubActionsReport.Annotations(report)) +
            string.Join("\n", GitHubActionsReport.Outputs(report).Select(o => o.Value)) + ConsoleSummary.Render(report);

        everything.ShouldNotContain("hunter2");
    }

    [Fact]
    public void A_rolled_back_deploy_is_one_error_annotation_with_the_outcome_message()
    {
        var report = ReportExamples.RolledBackAfterVerification;

        var annotation = GitHubActionsReport.Annotations(report).ShouldHaveSingleItem();

        annotation.ShouldStartWith("::error title=Deploy failed and was rolled back%3A unhealthy runs unhealthy%3A1 again::Deploy of repo/api:1.1.0-unhealthy failed and was ROLLED BACK: ");
        annotation.ShouldEndWith("(--deregister-failed=false keeps it).");
    }

    [Fact]
    public void A_failed_rollback_is_an_error_whose_multiline_message_stays_on_one_line()
    {
        var annotation = GitHubActionsReport.Annotations(ReportExamples.RollbackFailed).ShouldHaveSingleItem();

        annotation.ShouldStartWith("::error title=ROLLBACK FAILED%3A doomed may be broken::!!! ROLLBACK FAILED: SERVICE doomed MAY BE BROKEN !!!%0A");
        annotation.ShouldContain("%0A  aws ecs update-service --cluster e2e --service doomed --task-definition " + Arn + "doomed:1%0A");
        annotation.ShouldNotContain("\n");
    }

    [Fact]
    public void Success_is_a_notice_and_what_went_wrong_on_the_way_is_a_warning()
    {
        var report = ReportExamples.Deployed;
        report["verification"]!["attempts"]!.AsArray().Insert(0, new JsonObject
        {
            ["number"] = 0, ["atSeconds"] = 0, ["status"] = 502, ["passed"] = false, ["detail"] = "expected 200-299",
        });
        report["revisions"]!["backupReregistered"] = true;

        var annotations = GitHubActionsReport.Annotations(report);

        annotations[0].ShouldStartWith("::notice title=Deployed%3A healthy runs healthy%3A2::DEPLOYED: healthy runs healthy:2");
        annotations.ShouldContain(a => a.StartsWith("::warning title=Verification passed after failed requests::1 of 4 verification requests failed", StringComparison.Ordinal));
        annotations.ShouldContain(a => a.StartsWith("::warning title=Backed-up revision was deregistered::", StringComparison.Ordinal));
        GitHubActionsReport.Annotations(ReportExamples.ManualRollback).ShouldHaveSingleItem().ShouldStartWith("::notice title=Rolled back by hand%3A undo runs undo%3A1 again::");
    }

    [Theory]
    [InlineData("rolled-back-verification", "rolled-back", "3", "unhealthy:1", "unhealthy:2", "unhealthy:1")]
    [InlineData("deployed", "deployed", "0", "healthy:2", "healthy:2", "healthy:1")]
    [InlineData("rollback-failed", "rollback-failed", "4", "", "doomed:2", "doomed:1")]
    [InlineData("invalid-input-busy", "invalid-input", "2", "", "", "")]
    [InlineData("error-unreachable", "error", "1", "", "", "")]
    [InlineData("manual-rollback", "rolled-back", "0", "undo:1", "undo:1", "undo:2")]
    public void Outputs_name_the_outcome_and_the_revision_the_service_runs_now(string example, string outcome, string exitCode, string running, string created, string previous)
    {
        static string Full(string shortName) => shortName.Length == 0 ? "" : Arn + shortName;

        var outputs = GitHubActionsReport.Outputs(ReportExamples.Load(example)).ToDictionary();

        outputs.Keys.ShouldBe(["outcome", "exit-code", "task-definition-arn", "new-task-definition-arn", "previous-task-definition-arn", "image", "message"]);
        outputs["outcome"].ShouldBe(outcome);
        outputs["exit-code"].ShouldBe(exitCode);
        outputs["task-definition-arn"].ShouldBe(Full(running));
        outputs["new-task-definition-arn"].ShouldBe(Full(created));
        outputs["previous-task-definition-arn"].ShouldBe(Full(previous));
    }

    [Fact]
    public void A_report_built_in_memory_reads_the_same_as_one_read_from_disk()
    {
        // DeployReport.Build holds CLR numbers (int, double) where a parsed file holds JSON numbers.
        var fromDisk = ReportExamples.RolledBackAfterVerification;
        var inMemory = (JsonObject)fromDisk.DeepClone();
        inMemory["exitCode"] = 3;
        inMemory["durationSeconds"] = 2.995;
        inMemory["verification"]!["attempts"]![7]!["status"] = 503;
        inMemory["verification"]!["attempts"]![7]!["atSeconds"] = 1.408;
        inMemory["revisions"]!["backupReregistered"] = false;

        GitHubActionsReport.JobSummary(inMemory).ShouldBe(GitHubActionsReport.JobSummary(fromDisk));
    }

    [Fact]
    public void Write_appends_the_summary_and_outputs_to_the_files_GitHub_names_and_the_annotations_to_the_console()
    {
        var dir = Directory.CreateTempSubdirectory("gha-").FullName;
        var summaryFile = Path.Combine(dir, "summary.md");
        var outputFile = Path.Combine(dir, "output");
        File.WriteAllText(summaryFile, "# An earlier step's summary, without a final line break");
        File.WriteAllText(outputFile, "earlier=1\n");
        var environment = new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = summaryFile, ["GITHUB_OUTPUT"] = outputFile };
        var console = new StringWriter();
        var report = ReportExamples.RollbackFailed;

        var written = GitHubActionsReport.Write(report, n => environment.GetValueOrDefault(n), console);

        written.ShouldBe(new GitHubActionsWritten(summaryFile, outputFile, 1));
        File.ReadAllText(summaryFile).ShouldBe("# An earlier step's summary, without a final line break\n" + GitHubActionsReport.JobSummary(report));
        var output = File.ReadAllText(outputFile);
        output.ShouldStartWith("earlier=1\noutcome=rollback-failed\nexit-code=4\ntask-definition-arn=\n");
        output.ShouldContain("\nmessage<<ghadelimiter_");
        output.ShouldContain("\n!!! ROLLBACK FAILED: SERVICE doomed MAY BE BROKEN !!!\n");
        console.ToString().ShouldBe(GitHubActionsReport.Annotations(report).Single() + System.Environment.NewLine);
    }

    [Fact]
    public void Without_the_file_variables_only_the_annotations_are_written()
    {
        var console = new StringWriter();

        var written = GitHubActionsReport.Write(ReportExamples.Deployed, n => n == "GITHUB_ACTIONS" ? "true" : null, console);

        written.ShouldBe(new GitHubActionsWritten(null, null, 1));
        console.ToString().ShouldStartWith("::notice ");
    }

    [Fact]
    public void The_example_in_the_docs_is_what_the_code_writes_for_the_report_of_that_run()
    {
        // docs/github-job-summary-example.md was copied from a real run; reports/docs-example.json is that run's report.json.
        var doc = File.ReadAllText(Path.Combine(Support.RepositoryPaths.Root, "docs", "github-job-summary-example.md"));
        var summary = doc[(doc.IndexOf("\n---\n\n", StringComparison.Ordinal) + 6)..];

        summary.ShouldBe(GitHubActionsReport.JobSummary(ReportExamples.Load("docs-example")),
            "regenerate the example in docs/github-job-summary-example.md when the summary changes");
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("false", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void It_is_on_only_when_GITHUB_ACTIONS_is_true(string? value, bool enabled)
    {
        GitHubActionsReport.IsEnabled(n => n == "GITHUB_ACTIONS" ? value : null).ShouldBe(enabled);
    }
}
