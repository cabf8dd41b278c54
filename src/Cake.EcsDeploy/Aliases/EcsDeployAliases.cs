using Cake.Core;
using Cake.Core.Annotations;
using Cake.EcsDeploy.Artifacts;
using Cake.EcsDeploy.Deployments;
using Cake.EcsDeploy.TaskDefinitions;
using Cake.EcsDeploy.Tasks;
using Cake.EcsDeploy.Verification;

namespace Cake.EcsDeploy.Aliases;

/// <summary>
/// Each deploy step as a Cake alias, for scripts that compose their own tasks instead of registering
/// <see cref="EcsDeployTasks"/>. Every alias is a thin call into the same services the tasks use.
/// </summary>
[CakeAliasCategory("ECS Deploy")]
public static class EcsDeployAliases
{
    /// <summary>Reads <see cref="EcsDeploySettings"/> from the script's arguments (<c>--cluster</c>, <c>--service</c>, ...).</summary>
    /// <example><code>var settings = EcsDeploySettingsFromArguments();</code></example>
    [CakeMethodAlias]
    public static EcsDeploySettings EcsDeploySettingsFromArguments(this ICakeContext context) =>
        EcsDeployTasks.CreateRunFromArgumentsUnvalidated(context).Settings;

    /// <summary>Saves the task definition the service runs now to <c>&lt;artifacts&gt;/task-definition.json.old</c>.</summary>
    /// <example><code>var backup = EcsBackupTaskDefinition(new EcsDeploySettings { Cluster = "prod", Service = "api" });</code></example>
    [CakeMethodAlias]
    public static TaskDefinitionBackup EcsBackupTaskDefinition(this ICakeContext context, EcsDeploySettings settings)
    {
        using var run = NewRun(context, settings);
        var backup = BackupTaskDefinition.TakeAsync(run, settings.RequireCluster(), settings.RequireService(), settings.Force).GetAwaiter().GetResult();
        run.Artifacts.WriteBackup(backup);
        return backup;
    }

    /// <summary>Renders <c>task-definition.json</c>: the backup with <see cref="EcsDeploySettings.Image"/> in the chosen container.</summary>
    /// <example><code>var rendered = EcsRenderTaskDefinition(settings, backup);</code></example>
    [CakeMethodAlias]
    public static RenderedTaskDefinition EcsRenderTaskDefinition(this ICakeContext context, EcsDeploySettings settings, TaskDefinitionBackup backup)
    {
        var rendered = TaskDefinitionRenderer.Render(backup.TaskDefinition, backup.Tags, settings.RequireImage(), settings.Container);
        new DeployArtifacts(settings.ArtifactsDirectory).WriteRendered(rendered);
        return rendered;
    }

    /// <summary>Registers the rendered task definition, updates the service and waits; returns the new revision's ARN and the deployment's end.</summary>
    /// <example><code>var (arn, result) = EcsDeployService(settings, rendered); if (!result.Succeeded) { ... }</code></example>
    [CakeMethodAlias]
    public static (string TaskDefinitionArn, DeploymentResult Result) EcsDeployService(this ICakeContext context, EcsDeploySettings settings, RenderedTaskDefinition rendered)
    {
        using var run = NewRun(context, settings);
        var arn = run.Registrar.RegisterOnceAsync(rendered.Request, backup: null).GetAwaiter().GetResult();
        return (arn, SwitchTo(run, arn));
    }

    /// <summary>Verifies an endpoint: consecutive successes with retries, timeouts and a deadline.</summary>
    /// <example><code>var result = EcsVerifyEndpoint(new VerificationOptions { Url = new Uri("https://api.example.com/health") });</code></example>
    [CakeMethodAlias]
    public static VerificationResult EcsVerifyEndpoint(this ICakeContext context, VerificationOptions options)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        return new EndpointVerifier(http, new CakeDeployLog(context.Log)).VerifyAsync(options).GetAwaiter().GetResult();
    }

    /// <summary>Puts the service back on the backed-up revision and waits for it (verify afterwards with <see cref="EcsVerifyEndpoint"/>).</summary>
    /// <example><code>var result = EcsRollback(settings, backup);</code></example>
    [CakeMethodAlias]
    public static DeploymentResult EcsRollback(this ICakeContext context, EcsDeploySettings settings, TaskDefinitionBackup backup)
    {
        using var run = NewRun(context, settings);
        return SwitchTo(run, backup.TaskDefinitionArn);
    }

    private static DeploymentResult SwitchTo(EcsDeployRun run, string taskDefinitionArn)
    {
        var cluster = run.Settings.RequireCluster();
        var service = run.Settings.RequireService();
        run.Ecs.UpdateServiceAsync(cluster, service, taskDefinitionArn).GetAwaiter().GetResult();
        return run.Waiter.WaitAsync(cluster, service, taskDefinitionArn, run.Settings.Wait).GetAwaiter().GetResult();
    }

    private static EcsDeployRun NewRun(ICakeContext context, EcsDeploySettings settings) =>
        new(settings, new CakeDeployLog(context.Log), context.Environment.GetEnvironmentVariable);
}
