using Cake.Core;
using Cake.EcsDeploy.Tests.Support;
using Cake.EcsDeploy.Verification;
using Shouldly;
using Xunit;
using static Cake.EcsDeploy.Tests.Support.DeployArguments;

namespace Cake.EcsDeploy.Tests.EndToEnd;

/// <summary>What a team adds around the library's tasks: its own steps before and after, its own verification.</summary>
public class ConsumerExtensionTests(LocalEcsServer localEcs) : IClassFixture<LocalEcsServer>
{
    private const string Cluster = "consumer";

    [Fact]
    public async Task A_teams_own_check_replaces_the_HTTP_verification_and_its_failure_rolls_back()
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "smoke", "repo/api:1.0.0");
        var artifacts = NewArtifacts();
        var arguments = For(localEcs.Url, Cluster, "smoke", "repo/api:1.1.0", artifacts);
        arguments.Remove("verify-url");
        var stages = new List<VerificationStage>();

        var run = await CakeHost.RunTargetAsync("Deploy", arguments, verify: (_, stage) =>
        {
            stages.Add(stage);
            return stage == VerificationStage.NewRelease
                ? new VerificationResult(false, "smoke test: checkout returned 500", [])
                : new VerificationResult(true, "smoke test passed", []);
        });

        run.ExitCode.ShouldBe(3, run.Log);
        stages.ShouldBe([VerificationStage.NewRelease, VerificationStage.AfterRollback]);
        run.ErrorMessage.ShouldContain("smoke test: checkout returned 500");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "smoke")).ShouldBe(original);
        ((string?)Report(artifacts)["rollback"]!["verification"]!["summary"]).ShouldBe("smoke test passed");
    }

    [Fact]
    public async Task A_teams_own_steps_run_before_the_service_changes_and_after_the_deploy()
    {
        await localEcs.Cli.SeedServiceAsync(Cluster, "steps", "repo/api:1.0.0");
        var order = new List<string>();

        var run = await CakeHost.RunTargetAsync("Deploy", For(localEcs.Url, Cluster, "steps", "repo/api:1.1.0", NewArtifacts()), builders =>
        {
            builders.BackupTaskDefinition.Does(() => order.Add("backed up"));
            builders.DeployService.Does(() => order.Add("deployed"));
            builders.VerifyEndpoint.Does(() => order.Add("verified"));
        });

        run.Succeeded.ShouldBeTrue(run.Log);
        order.ShouldBe(["backed up", "deployed", "verified"]);
    }

    [Fact]
    public async Task An_exception_from_a_teams_check_added_to_VerifyEndpoint_rolls_back()
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "extra-check", "repo/api:1.0.0");

        var run = await CakeHost.RunTargetAsync("Deploy", For(localEcs.Url, Cluster, "extra-check", "repo/api:1.1.0", NewArtifacts()),
            builders => builders.VerifyEndpoint.Does(() => throw new InvalidOperationException("the orders queue is not draining")));

        run.ExitCode.ShouldBe(3, run.Log);
        run.ErrorMessage.ShouldContain("the orders queue is not draining");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "extra-check")).ShouldBe(original);
    }
}
