using Cake.EcsDeploy.Reporting;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.Reporting;

public class ConsoleSummaryTests
{
    [Fact]
    public void A_rolled_back_deploy_is_summed_up_in_an_aligned_table()
    {
        var summary = ConsoleSummary.Render(ReportExamples.RolledBackAfterVerification, "/work/artifacts/ecs-deploy");

        summary.ShouldBe("""
            Deploy summary
            --------------
            Outcome       ROLLED BACK: the deploy failed, the previous revision runs again, verified (exit code 3)
            Service       unhealthy (cluster e2e)
            Image         repo/api:1.1.0-unhealthy (was repo/api:1.0.0)
            Previous      unhealthy:1
            New           unhealthy:2 (deregistered)
            Rolled back   unhealthy:1
            Runs now      unhealthy:1
            Verification  failed (0 of 8 requests passed); after the rollback passed (3 of 3)
            Failed step   VerifyEndpoint
            Duration      3.0 s
            Artifacts     /work/artifacts/ecs-deploy
            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_deployed_run_names_the_new_revision_as_the_one_running()
    {
        var summary = ConsoleSummary.Render(ReportExamples.Deployed);

        summary.ShouldContain("Outcome       DEPLOYED, verified (exit code 0)\n");
        summary.ShouldContain("Runs now      healthy:2\n");
        summary.ShouldContain("Verification  passed (3 of 3 requests passed)\n");
        summary.ShouldNotContain("Artifacts");
    }

    [Fact]
    public void A_failed_rollback_says_the_running_revision_is_unknown()
    {
        var summary = ConsoleSummary.Render(ReportExamples.RollbackFailed);

        summary.ShouldContain("ROLLBACK FAILED: the service may be broken (exit code 4)");
        summary.ShouldContain("Rollback to   doomed:1 FAILED\n");
        summary.ShouldContain("Runs now      UNKNOWN: check the service\n");
    }

    [Fact]
    public void A_run_stopped_by_bad_input_left_the_service_alone()
    {
        var summary = ConsoleSummary.Render(ReportExamples.InvalidInputArguments);

        summary.ShouldContain("NOT DEPLOYED: invalid input, nothing changed in ECS (exit code 2)");
        summary.ShouldContain("Service      (not given) (cluster bad-input)\n");
        summary.ShouldContain("Runs now     not changed by this run\n");
        summary.ShouldContain("Failed step  arguments\n");
    }

    [Fact]
    public void Every_value_starts_in_the_same_column()
    {
        foreach (var report in new[] { ReportExamples.RollbackFailed, ReportExamples.ManualRollback, ReportExamples.ErrorUnreachable })
        {
            var lines = ConsoleSummary.Render(report, "/tmp/a").Split('\n').Skip(2).ToArray();
            var column = lines[0].IndexOf("  ", StringComparison.Ordinal) + 2;
            while (lines[0][column] == ' ')
            {
                column++;
            }

            lines.ShouldAllBe(l => l[column - 1] == ' ' && l[column] != ' ');
        }
    }
}
