using Cake.EcsDeploy.Aliases;
using Cake.EcsDeploy.Tests.Support;
using Cake.EcsDeploy.Verification;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.Aliases;

/// <summary>The aliases composed by hand, as a script that builds its own tasks would, against LocalEcs.</summary>
public class EcsDeployAliasesTests(LocalEcsServer localEcs) : IClassFixture<LocalEcsServer>
{
    [Fact]
    public async Task The_aliases_back_up_render_deploy_verify_and_roll_back()
    {
        var original = await localEcs.Cli.SeedServiceAsync("aliases", "api", "repo/api:1.0.0");
        var (context, _) = CakeHost.CreateContext(new Dictionary<string, string>
        {
            ["cluster"] = "aliases", ["service"] = "api", ["image"] = "repo/api:2.0.0", ["ecs-endpoint"] = localEcs.Url,
            ["artifacts"] = Directory.CreateTempSubdirectory("ecs-aliases-").FullName, ["poll-interval"] = "50ms",
        });

        var settings = context.EcsDeploySettingsFromArguments();
        var backup = context.EcsBackupTaskDefinition(settings);
        backup.TaskDefinitionArn.ShouldBe(original);
        File.Exists(Path.Combine(settings.ArtifactsDirectory, "task-definition.json.old")).ShouldBeTrue();

        var rendered = context.EcsRenderTaskDefinition(settings, backup);
        rendered.PreviousImage.ShouldBe("repo/api:1.0.0");

        var (arn, deployment) = context.EcsDeployService(settings, rendered);
        deployment.Succeeded.ShouldBeTrue(deployment.Summary);
        (await localEcs.Cli.ServiceTaskDefinitionAsync("aliases", "api")).ShouldBe(arn);

        var verification = context.EcsVerifyEndpoint(new VerificationOptions
        {
            Url = new Uri($"{localEcs.Url}/lb/aliases/api/leo"), SuccessInterval = TimeSpan.FromMilliseconds(10), Deadline = TimeSpan.FromSeconds(5),
        });
        verification.Passed.ShouldBeTrue(verification.Summary);

        context.EcsRollback(settings, backup).Succeeded.ShouldBeTrue();
        (await localEcs.Cli.ServiceTaskDefinitionAsync("aliases", "api")).ShouldBe(original);
    }
}
