using Cake.EcsDeploy.Tests.Support;
using Shouldly;
using Xunit;
using static Cake.EcsDeploy.Tests.Support.DeployArguments;

namespace Cake.EcsDeploy.Tests.ScriptRunner;

/// <summary>
/// A deploy killed between UpdateService and verification (a cancelled CI job, Ctrl-C): the backup and state.json it
/// left let a later run notice the unfinished deploy and `--target=Rollback --artifacts` restore the service.
/// </summary>
public class InterruptedDeployTests(LocalEcsServer localEcs) : IClassFixture<LocalEcsServer>
{
    private const string Cluster = "interrupted";

    [Fact]
    public async Task A_deploy_killed_after_updating_the_service_is_noticed_by_the_next_deploy_and_undone_by_the_Rollback_target()
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "api", "repo/api:1.0.0");
        var artifacts = NewArtifacts();

        // The real script runner, killed (whole process tree) the moment the service points at the new revision.
        var killed = await ChildProcess.RunAsync("bash",
        [
            Path.Combine(RepositoryPaths.Root, "build.sh"), "--target=Deploy", $"--cluster={Cluster}", "--service=api",
            "--image=repo/api:1.1.0-slowstart-60000", $"--verify-url={localEcs.Url}/lb/{Cluster}/api/leo",
            $"--ecs-endpoint={localEcs.Url}", $"--artifacts={artifacts}", "--poll-interval=100ms",
        ], AwsCli.Environment, timeout: TimeSpan.FromMinutes(4), killWhen: line => line.Contains("Updated service api"));

        killed.StandardOutput.ShouldContain("Updated service api");
        var state = State(artifacts);
        ((string?)state["outcome"]).ShouldBe("in-progress");
        ((string?)state["phase"]).ShouldBe("service-updated");
        ((string?)state["backupTaskDefinitionArn"]).ShouldBe(original);
        var unverified = (string)state["newTaskDefinitionArn"]!;
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "api")).ShouldBe(unverified, "the killed run left the service on its unverified revision");

        // A re-run of Deploy with the same artifacts refuses to overwrite the only backup of what ran before.
        var again = await CakeHost.RunTargetAsync("Deploy", For(localEcs.Url, Cluster, "api", "repo/api:1.2.0", artifacts));
        again.ExitCode.ShouldBe(2, again.Log);
        again.ErrorMessage.ShouldContain("did not finish");
        again.ErrorMessage.ShouldContain($"--target=Rollback --artifacts={artifacts}");
        (await localEcs.Cli.RevisionCountAsync("api")).ShouldBe(2, "the refused re-run registered nothing");

        // The Rollback target restores the backup and verifies it.
        var arguments = For(localEcs.Url, Cluster, "api", "unused", artifacts);
        arguments.Remove("image");
        var rollback = await CakeHost.RunTargetAsync("Rollback", arguments);

        rollback.Succeeded.ShouldBeTrue(rollback.Log);
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "api")).ShouldBe(original);
        ((string?)State(artifacts)["outcome"]).ShouldBe("rolled-back");
        ((string?)Report(artifacts)["revisions"]!["deregistered"]).ShouldBe(unverified);

        // Now the artifacts are finished with, a new deploy goes ahead.
        var next = await CakeHost.RunTargetAsync("Deploy", For(localEcs.Url, Cluster, "api", "repo/api:1.2.0", artifacts));
        next.Succeeded.ShouldBeTrue(next.Log);
    }
}
