using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cake.EcsDeploy.Reporting;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.Reporting;

public partial class DeployTimelineChartTests
{
    // A gantt task line as Mermaid's grammar reads it: a name without ':', '#' or ';', then tag, start, end (Unix ms).
    [GeneratedRegex(@"^    (?<name>[^:#;\n]+) :(?<tag>done|crit|active), (?<start>\d+), (?<end>\d+)$")]
    private static partial Regex TaskLine();

    private static List<(string Name, string Tag, long Start, long End)> Tasks(string gantt) =>
        gantt.Split('\n').Where(l => l.StartsWith("    ") && !l.StartsWith("    title") && !l.StartsWith("    section")
                && !l.StartsWith("    dateFormat") && !l.StartsWith("    axisFormat") && !l.StartsWith("    todayMarker"))
            .Select(l =>
            {
                var m = TaskLine().Match(l);
                m.Success.ShouldBeTrue($"not a valid gantt task line: '{l}'");
                return (m.Groups["name"].Value, m.Groups["tag"].Value, long.Parse(m.Groups["start"].Value), long.Parse(m.Groups["end"].Value));
            })
            .ToList();

    [Fact]
    public void A_rolled_back_deploy_draws_each_phase_with_the_failed_one_in_red_and_the_rollback_in_its_own_section()
    {
        var gantt = DeployTimelineChart.Gantt(ReportExamples.RolledBackAfterVerification);

        gantt.ShouldStartWith("gantt\n    title Deploy of repo/api∶1.1.0-unhealthy to unhealthy\n    dateFormat x\n");
        gantt.ShouldContain("    section Deploy\n");
        gantt.ShouldContain("    section Rollback\n");
        gantt.IndexOf("section Deploy", StringComparison.Ordinal).ShouldBeLessThan(gantt.IndexOf("section Rollback", StringComparison.Ordinal));
        var tasks = Tasks(gantt);
        tasks.Select(t => (t.Name, t.Tag)).ShouldBe(
        [
            ("Back up unhealthy∶1", "done"),
            ("Render repo/api∶1.1.0-unhealthy", "done"),
            ("Deploy unhealthy∶2 - completed", "done"),
            ("Verify - 0 of 8 requests passed", "crit"),
            ("Roll back to unhealthy∶1 - verified", "active"),
        ]);
    }

    [Fact]
    public void Bars_follow_the_timeline_in_real_time_and_even_an_instant_step_gets_a_visible_bar()
    {
        var report = ReportExamples.RolledBackAfterVerification;
        var started = DateTimeOffset.Parse((string)report["startedAt"]!).ToUnixTimeMilliseconds();

        var tasks = Tasks(DeployTimelineChart.Gantt(report));

        tasks[0].Start.ShouldBe(started);
        tasks.ShouldAllBe(t => t.End > t.Start);
        // Verify runs from the deployment's end (0.402 s) to the verification's failure (2.408 s).
        tasks[3].Start.ShouldBe(started + 402);
        tasks[3].End.ShouldBe(started + 2408);
        tasks[4].Start.ShouldBe(tasks[3].End);
        // Render took no measurable time; it still gets 1% of the run (2995 ms).
        (tasks[1].End - tasks[1].Start).ShouldBe(29);
    }

    [Fact]
    public void A_deployment_that_timed_out_is_the_red_bar()
    {
        var tasks = Tasks(DeployTimelineChart.Gantt(ReportExamples.RolledBackAfterDeploymentTimeout));

        tasks.Single(t => t.Tag == "crit").Name.ShouldBe("Deploy crashing∶2 - timed out");
    }

    [Fact]
    public void A_failed_rollback_is_red_too()
    {
        var tasks = Tasks(DeployTimelineChart.Gantt(ReportExamples.RollbackFailed));

        tasks.Where(t => t.Tag == "crit").Select(t => t.Name).ShouldBe(["Verify - 0 of 8 requests passed", "Roll back to doomed∶1 - FAILED"]);
    }

    [Fact]
    public void A_manual_rollback_has_only_the_rollback_section()
    {
        var gantt = DeployTimelineChart.Gantt(ReportExamples.ManualRollback);

        gantt.ShouldContain("title Rollback of undo by hand");
        gantt.ShouldNotContain("section Deploy");
        Tasks(gantt).Single().ShouldSatisfyAllConditions(t => t.Name.ShouldBe("Roll back to undo∶1 - verified"), t => t.Tag.ShouldBe("active"));
    }

    [Fact]
    public void An_empty_timeline_draws_nothing()
    {
        var report = ReportExamples.InvalidInputArguments;
        report["timeline"] = new JsonArray();

        DeployTimelineChart.Gantt(report).ShouldBe("");
    }

    [Fact]
    public void The_axis_format_fits_the_length_of_the_run()
    {
        DeployTimelineChart.Gantt(ReportExamples.Deployed).ShouldContain("axisFormat %S.%L\n");

        var longer = ReportExamples.Deployed;
        longer["durationSeconds"] = 95.0;
        DeployTimelineChart.Gantt(longer).ShouldContain("axisFormat %M:%S\n");
    }

    [Theory]
    [InlineData("repo/api:1.2.0", "repo/api∶1.2.0")]
    [InlineData("a;b#c", "a,b＃c")]
    [InlineData("two\nlines", "two lines")]
    [InlineData("%%{init}%%", "%{init}%")]
    [InlineData("  ", "-")]
    public void Labels_lose_what_Mermaid_would_read_as_syntax(string text, string label)
    {
        DeployTimelineChart.Label(text).ShouldBe(label);
    }
}
