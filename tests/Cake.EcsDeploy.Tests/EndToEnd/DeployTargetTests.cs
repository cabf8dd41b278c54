using System.Text.Json.Nodes;
using Cake.EcsDeploy.Tests.Support;
using Shouldly;
using Xunit;
using static Cake.EcsDeploy.Tests.Support.DeployArguments;

namespace Cake.EcsDeploy.Tests.EndToEnd;

/// <summary>
/// The whole task graph on Cake's engine against LocalEcs over HTTP; the AWS CLI checks the results independently,
/// report.json records each outcome.
/// </summary>
public class DeployTargetTests(LocalEcsServer localEcs) : IClassFixture<LocalEcsServer>
{
    private const string Cluster = "e2e";

    private Dictionary<string, string> Arguments(string service, string image, string artifacts, params (string, string)[] extra) =>
        For(localEcs.Url, Cluster, service, image, artifacts, extra);

    private async Task AssertBackupEqualsCliAsync(string artifacts, string arn)
    {
        var cli = (await localEcs.Cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", arn, "--query", "taskDefinition"))!;
        var backup = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(artifacts, "task-definition.json.old")))!;
        JsonNode.DeepEquals(backup, cli).ShouldBeTrue($"backup:\n{backup}\ncli:\n{cli}");
    }

    private async Task<string?> StatusOfAsync(string arn) =>
        (string?)(await localEcs.Cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", arn))!["taskDefinition"]!["status"];

    [Fact]
    public async Task Deploy_of_a_healthy_image_switches_the_service_to_the_new_revision()
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "healthy", "repo/api:1.0.0");
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("Deploy", Arguments("healthy", "repo/api:1.1.0", artifacts));

        run.Succeeded.ShouldBeTrue(run.Log);
        var now = await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "healthy");
        now.ShouldNotBe(original);
        now.ShouldEndWith("task-definition/healthy:2");
        var deployed = (await localEcs.Cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", now))!["taskDefinition"]!;
        deployed["containerDefinitions"]![0]!["image"]!.GetValue<string>().ShouldBe("repo/api:1.1.0");
        await AssertBackupEqualsCliAsync(artifacts, original);
        run.Log.ShouldContain("DEPLOYED");
        run.Log.ShouldContain("running 2/2");

        var report = Report(artifacts);
        ((string?)report["outcome"]).ShouldBe("deployed");
        ((int)report["exitCode"]!).ShouldBe(0);
        ((string?)report["revisions"]!["previous"]).ShouldBe(original);
        ((string?)report["revisions"]!["new"]).ShouldBe(now);
        ((bool)report["verification"]!["passed"]!).ShouldBeTrue();
        report["verification"]!["attempts"]!.AsArray().Count.ShouldBeGreaterThanOrEqualTo(3);
        report["timeline"]!.AsArray().Select(e => (string?)e!["step"]).ShouldBe(
            ["BackupTaskDefinition", "RenderTaskDefinition", "DeployService", "DeployService", "DeployService", "VerifyEndpoint"]);
        report["serviceEvents"]!.AsArray().ShouldNotBeEmpty();
        ((string?)State(artifacts)["outcome"]).ShouldBe("deployed");
    }

    [Fact]
    public async Task Deploy_of_an_unhealthy_image_fails_verification_and_rolls_back_to_the_previous_revision()
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "unhealthy", "repo/api:1.0.0");
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("Deploy", Arguments("unhealthy", "repo/api:1.1.0-unhealthy", artifacts));

        run.Succeeded.ShouldBeFalse();
        run.ExitCode.ShouldBe(3, "3: rolled back, the service is restored");
        run.ErrorMessage.ShouldContain("ROLLED BACK");
        run.ErrorMessage.ShouldContain(original);
        run.Log.ShouldContain("-> 503");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "unhealthy")).ShouldBe(original);
        await AssertBackupEqualsCliAsync(artifacts, original);

        var report = Report(artifacts);
        ((string?)report["outcome"]).ShouldBe("rolled-back");
        ((int)report["exitCode"]!).ShouldBe(3);
        ((string?)report["failure"]!["step"]).ShouldBe("VerifyEndpoint");
        ((string?)report["revisions"]!["rolledBackTo"]).ShouldBe(original);
        ((bool)report["verification"]!["passed"]!).ShouldBeFalse();
        report["verification"]!["attempts"]!.AsArray().ShouldAllBe(a => !(bool)a!["passed"]!);
        ((bool)report["rollback"]!["verification"]!["passed"]!).ShouldBeTrue();

        // The failed revision is deregistered after the rollback (on by default).
        var failed = (string)report["revisions"]!["new"]!;
        ((string?)report["revisions"]!["deregistered"]).ShouldBe(failed);
        (await StatusOfAsync(failed)).ShouldBe("INACTIVE");
        run.ErrorMessage.ShouldContain("was deregistered");
    }

    [Fact]
    public async Task With_deregister_failed_false_the_failed_revision_stays_registered()
    {
        await localEcs.Cli.SeedServiceAsync(Cluster, "keep-failed", "repo/api:1.0.0");
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("Deploy", Arguments("keep-failed", "repo/api:1.1.0-unhealthy", artifacts, ("deregister-failed", "false")));

        run.ExitCode.ShouldBe(3, run.Log);
        var failed = (string)Report(artifacts)["revisions"]!["new"]!;
        (await StatusOfAsync(failed)).ShouldBe("ACTIVE");
        run.ErrorMessage.ShouldContain("left registered for inspection");
    }

    [Fact]
    public async Task Deploy_of_a_crashing_image_times_out_and_rolls_back()
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "crashing", "repo/api:1.0.0");
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("Deploy", Arguments("crashing", "repo/api:1.1.0-crash", artifacts, ("stability-timeout", "2s")));

        run.ExitCode.ShouldBe(3);
        run.ErrorMessage.ShouldContain("ROLLED BACK");
        run.ErrorMessage.ShouldContain("did not finish within");
        run.Log.ShouldContain("Essential container in task exited");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "crashing")).ShouldBe(original);
        var report = Report(artifacts);
        ((string?)report["failure"]!["step"]).ShouldBe("DeployService");
        ((string?)report["deployment"]!["end"]).ShouldBe("TimedOut");
        report["verification"].ShouldBeNull("verification is skipped when the deployment failed");
    }

    [Fact]
    public async Task A_circuit_breaker_rollback_by_ECS_is_a_failed_deployment_and_is_not_rolled_back_twice()
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "breaker", "repo/api:1.0.0",
            deploymentConfiguration: "deploymentCircuitBreaker={enable=true,rollback=true},maximumPercent=200,minimumHealthyPercent=100");
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("Deploy", Arguments("breaker", "repo/api:1.1.0-crash", artifacts));

        run.ExitCode.ShouldBe(3);
        run.ErrorMessage.ShouldContain("ROLLED BACK");
        run.Log.ShouldNotContain("DEPLOYED");
        run.Log.ShouldContain("ECS is already rolling back");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "breaker")).ShouldBe(original);
        var report = Report(artifacts);
        ((string?)report["outcome"]).ShouldBe("rolled-back");
        report["timeline"]!.AsArray().Select(e => (string?)e!["event"]).ShouldContain(e => e!.StartsWith("ECS was already rolling back"));
        report["timeline"]!.AsArray().Select(e => (string?)e!["event"]).ShouldNotContain(e => e!.StartsWith("updated the service back"), "no second, conflicting rollback");
        ((bool)report["rollback"]!["verification"]!["passed"]!).ShouldBeTrue("verification still runs against what is serving");
    }

    [Fact]
    public async Task A_backup_revision_deregistered_meanwhile_is_registered_again_from_the_backup_file_and_restored()
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "gone-backup", "repo/api:1.0.0");
        // Someone cleans up old revisions: the one the service runs is deregistered (ECS keeps running it).
        await localEcs.Cli.JsonAsync("ecs", "deregister-task-definition", "--task-definition", original);
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("Deploy", Arguments("gone-backup", "repo/api:1.1.0-unhealthy", artifacts));

        run.ExitCode.ShouldBe(3, run.Log);
        var now = await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "gone-backup");
        now.ShouldEndWith("gone-backup:3", Case.Sensitive, "revision 2 failed; the backup came back as revision 3");
        var restored = (await localEcs.Cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", now, "--include", "TAGS"))!;
        var before = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(artifacts, "task-definition.json.old")))!;
        JsonNode.DeepEquals(restored["taskDefinition"]!["containerDefinitions"], before["containerDefinitions"]).ShouldBeTrue();
        ((string?)restored["tags"]![0]!["value"]).ShouldBe("payments");
        var report = Report(artifacts);
        ((bool)report["revisions"]!["backupReregistered"]!).ShouldBeTrue();
        ((string?)report["revisions"]!["rolledBackTo"]).ShouldBe(now);
        run.ErrorMessage.ShouldContain("registered again");
    }

    [Fact]
    public async Task Verification_that_passes_then_fails_is_caught_by_the_consecutive_success_rule()
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "flapping", "repo/api:1.0.0");
        var artifacts = NewArtifacts();

        // Each of the two tasks answers twice, then 503: four successes in a row, never five.
        var run = await CakeHost.RunTargetAsync("Deploy", Arguments("flapping", "repo/api:1.1.0-flap-2", artifacts, ("verify-successes", "5")));

        run.ExitCode.ShouldBe(3, run.Log);
        run.Log.ShouldContain("4/5 in a row");
        var attempts = Report(artifacts)["verification"]!["attempts"]!.AsArray();
        attempts.Take(4).ShouldAllBe(a => (bool)a!["passed"]!);
        attempts.Skip(4).ShouldAllBe(a => !(bool)a!["passed"]!);
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "flapping")).ShouldBe(original);
    }

    [Fact]
    public async Task Answers_that_do_not_name_the_new_version_never_count()
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "versioned", "repo/api:1.0.0");
        var artifacts = NewArtifacts();

        // The service answers 200 with version 1.1.0; we expect 9.9.9 (as if a stale task or a wrong build answered).
        var run = await CakeHost.RunTargetAsync("Deploy", Arguments("versioned", "repo/api:1.1.0", artifacts,
            ("verify-version-header", "X-LocalEcs-Version"), ("verify-version", "9.9.9")));

        run.ExitCode.ShouldBe(3, run.Log);
        run.Log.ShouldContain("answered by version 1.1.0 (header X-LocalEcs-Version), expected 9.9.9");
        Report(artifacts)["verification"]!["attempts"]!.AsArray().ShouldAllBe(a => !(bool)a!["passed"]!);
        // An explicit version names the new release; the restored one is verified without it.
        run.Log.ShouldContain("--verify-version names the new release");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "versioned")).ShouldBe(original);
    }

    [Fact]
    public async Task After_a_rollback_the_version_check_expects_the_previous_images_tag()
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "versioned-rollback", "repo/api:1.0.0");
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("Deploy", Arguments("versioned-rollback", "repo/api:1.1.0-unhealthy", artifacts,
            ("verify-version-header", "X-LocalEcs-Version")));

        run.ExitCode.ShouldBe(3, run.Log);
        Report(artifacts)["rollback"]!["verification"]!["attempts"]!.AsArray().Where(a => (bool)a!["passed"]!)
            .ShouldAllBe(a => ((string)a!["detail"]!).Contains("version 1.0.0"));
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "versioned-rollback")).ShouldBe(original);
    }

    [Fact]
    public async Task The_version_in_a_body_field_defaults_to_the_image_tag()
    {
        await localEcs.Cli.SeedServiceAsync(Cluster, "body-version", "repo/api:1.0.0");
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("Deploy", Arguments("body-version", "repo/api:1.1.0", artifacts, ("verify-version-field", "version")));

        run.Succeeded.ShouldBeTrue(run.Log);
        Report(artifacts)["verification"]!["attempts"]!.AsArray().Where(a => (bool)a!["passed"]!)
            .ShouldAllBe(a => ((string)a!["detail"]!).Contains("version 1.1.0"));
    }

    [Fact]
    public async Task When_the_rollback_fails_too_the_outcome_says_so_loudly_with_the_command_that_restores_the_service()
    {
        // Production is already broken: the backed-up revision does not answer either.
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "doomed", "repo/api:1.0.0-unhealthy");
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("Deploy", Arguments("doomed", "repo/api:1.1.0-unhealthy", artifacts));

        run.ExitCode.ShouldBe(4, "4: rollback failed, the service may be broken");
        run.ErrorMessage.ShouldContain("ROLLBACK FAILED: SERVICE doomed MAY BE BROKEN");
        run.ErrorMessage.ShouldContain($"aws ecs update-service --cluster {Cluster} --service doomed --task-definition {original}");
        run.ErrorMessage.ShouldContain("--target=Rollback");
        var report = Report(artifacts);
        ((string?)report["outcome"]).ShouldBe("rollback-failed");
        ((string?)report["rollbackFailure"] ?? "").ShouldContain("fails verification");
        ((string?)report["revisions"]!["deregistered"]).ShouldBeNull("nothing is cleaned up when the rollback failed");

        // The next deploy with these artifacts does not back up what may be a broken revision over the only backup.
        var next = await CakeHost.RunTargetAsync("Deploy", Arguments("doomed", "repo/api:1.2.0", artifacts));
        next.ExitCode.ShouldBe(2, next.Log);
        next.ErrorMessage.ShouldContain("ended rollback-failed");
        (await localEcs.Cli.RevisionCountAsync("doomed")).ShouldBe(2, "the refused deploy registered nothing");
    }

    [Fact]
    public async Task Another_deployment_in_progress_is_refused_unless_forced()
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "busy", "repo/api:1.0.0");
        // Someone else's deployment that never finishes.
        var other = (string)(await localEcs.Cli.JsonAsync("ecs", "register-task-definition", "--family", "busy",
            "--container-definitions", """[{"name":"api-go","image":"repo/api:0.9.0-crash","essential":true}]"""))!["taskDefinition"]!["taskDefinitionArn"]!;
        await localEcs.Cli.JsonAsync("ecs", "update-service", "--cluster", Cluster, "--service", "busy", "--task-definition", other);
        var artifacts = NewArtifacts();

        var refused = await CakeHost.RunTargetAsync("Deploy", Arguments("busy", "repo/api:1.1.0", artifacts));

        refused.ExitCode.ShouldBe(2, refused.Log);
        refused.ErrorMessage.ShouldContain("Another deployment of service 'busy' is in progress");
        refused.ErrorMessage.ShouldContain("--force");
        ((string?)Report(artifacts)["outcome"]).ShouldBe("invalid-input");
        (await localEcs.Cli.RevisionCountAsync("busy")).ShouldBe(2, "nothing registered by the refused deploy");

        var forced = await CakeHost.RunTargetAsync("Deploy", Arguments("busy", "repo/api:1.1.0", NewArtifacts(), ("force", "")));

        forced.Succeeded.ShouldBeTrue(forced.Log);
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "busy")).ShouldEndWith("busy:3");
        original.ShouldEndWith("busy:1");
    }
}
