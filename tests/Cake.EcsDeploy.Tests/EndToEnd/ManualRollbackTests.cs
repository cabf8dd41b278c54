using Cake.EcsDeploy.Tests.Support;
using Shouldly;
using Xunit;
using static Cake.EcsDeploy.Tests.Support.DeployArguments;

namespace Cake.EcsDeploy.Tests.EndToEnd;

/// <summary>
/// `--target=Rollback` on its own: restores the backup an earlier run left in --artifacts, or a named revision,
/// verifies, and refuses a backup it cannot trust before changing anything.
/// </summary>
public class ManualRollbackTests(LocalEcsServer localEcs) : IClassFixture<LocalEcsServer>
{
    private const string Cluster = "manual";

    private Dictionary<string, string> RollbackArguments(string service, string artifacts, params (string, string)[] extra)
    {
        var arguments = For(localEcs.Url, Cluster, service, "unused", artifacts, extra);
        arguments.Remove("image");
        return arguments;
    }

    private async Task<(string Original, string Deployed, string Artifacts)> DeployAsync(string service)
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, service, "repo/api:1.0.0");
        var artifacts = NewArtifacts();
        var deploy = await CakeHost.RunTargetAsync("Deploy", For(localEcs.Url, Cluster, service, "repo/api:1.1.0", artifacts));
        deploy.Succeeded.ShouldBeTrue(deploy.Log);
        return (original, await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, service), artifacts);
    }

    [Fact]
    public async Task Rollback_from_the_artifacts_of_an_earlier_deploy_restores_and_verifies_the_backed_up_revision()
    {
        var (original, deployed, artifacts) = await DeployAsync("undo");

        // Cluster and service come from the backup.
        var arguments = RollbackArguments("undo", artifacts);
        arguments.Remove("cluster");
        arguments.Remove("service");
        var run = await CakeHost.RunTargetAsync("Rollback", arguments);

        run.Succeeded.ShouldBeTrue(run.Log);
        run.Log.ShouldContain("ROLLED BACK: undo runs undo:1 again and answers");
        await localEcs.Cli.WaitStableAsync(Cluster, "undo");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "undo")).ShouldBe(original);
        var report = Report(artifacts);
        ((string?)report["outcome"]).ShouldBe("rolled-back");
        ((int)report["exitCode"]!).ShouldBe(0);
        ((bool)report["rollback"]!["verification"]!["passed"]!).ShouldBeTrue();
        ((string?)report["revisions"]!["deregistered"]).ShouldBe(deployed, "the undone revision is deregistered");
        ((string?)State(artifacts)["outcome"]).ShouldBe("rolled-back");
    }

    [Fact]
    public async Task Rollback_to_a_named_revision_restores_it_whatever_the_case_of_the_target()
    {
        var (original, _, _) = await DeployAsync("named");

        var run = await CakeHost.RunTargetAsync("rollback", RollbackArguments("named", NewArtifacts(), ("rollback-to", "named:1")));

        run.Succeeded.ShouldBeTrue(run.Log);
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "named")).ShouldBe(original);
    }

    [Theory]
    [InlineData("truncated", "is not valid JSON", "task-definition.json.old")]
    [InlineData("no-containers", "containerDefinitions are missing or incomplete", "task-definition.json.old")]
    [InlineData("other-revision", "backup.json names another revision", "backup.json")]
    [InlineData("missing", "There is no backup", "task-definition.json.old")]
    public async Task A_backup_that_cannot_be_trusted_is_refused_before_anything_changes(string damage, string expected, string file)
    {
        var (_, deployed, artifacts) = await DeployAsync("damaged-" + damage);
        var path = Path.Combine(artifacts, file);
        var text = await File.ReadAllTextAsync(path);
        switch (damage)
        {
            case "truncated":
                await File.WriteAllTextAsync(path, text[..(text.Length / 2)]);
                break;
            case "no-containers":
                await File.WriteAllTextAsync(path, text.Replace("\"containerDefinitions\"", "\"containerDefinitionz\""));
                break;
            case "other-revision":
                await File.WriteAllTextAsync(path, text.Replace(":1\"", ":7\""));
                break;
            default:
                File.Delete(path);
                break;
        }

        var run = await CakeHost.RunTargetAsync("Rollback", RollbackArguments("damaged-" + damage, artifacts));

        run.ExitCode.ShouldBe(2, run.Log);
        run.ErrorMessage.ShouldContain(expected);
        run.ErrorMessage.ShouldContain("Nothing was changed in ECS");
        ((string?)Report(artifacts)["outcome"]).ShouldBe("invalid-input");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "damaged-" + damage)).ShouldBe(deployed);
    }

    [Fact]
    public async Task The_backup_of_another_service_is_refused()
    {
        var (_, deployed, artifacts) = await DeployAsync("mine");
        await localEcs.Cli.SeedServiceAsync(Cluster, "theirs", "repo/api:1.0.0");

        var run = await CakeHost.RunTargetAsync("Rollback", RollbackArguments("theirs", artifacts));

        run.ExitCode.ShouldBe(2, run.Log);
        run.ErrorMessage.ShouldContain("is of mine in manual, not of theirs");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "mine")).ShouldBe(deployed);
    }

    [Fact]
    public async Task A_rollback_that_cannot_reach_ECS_is_an_error_not_a_failed_rollback()
    {
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("Rollback", RollbackArguments("anything", artifacts, ("rollback-to", "anything:1"), ("ecs-endpoint", "http://127.0.0.1:9")));

        run.ExitCode.ShouldBe(1, run.Log);
        run.ErrorMessage.ShouldContain("The rollback failed before the service was changed");
        run.ErrorMessage.ShouldNotContain("MAY BE BROKEN");
        ((string?)Report(artifacts)["outcome"]).ShouldBe("error");
    }

    [Fact]
    public async Task An_unknown_revision_to_roll_back_to_is_refused()
    {
        var (_, deployed, _) = await DeployAsync("unknown-revision");

        var run = await CakeHost.RunTargetAsync("Rollback", RollbackArguments("unknown-revision", NewArtifacts(), ("rollback-to", "unknown-revision:42")));

        run.ExitCode.ShouldBe(2, run.Log);
        run.ErrorMessage.ShouldContain("--rollback-to=unknown-revision:42");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "unknown-revision")).ShouldBe(deployed);
    }
}
