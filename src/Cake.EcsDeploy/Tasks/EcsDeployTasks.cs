using Cake.Core;

namespace Cake.EcsDeploy.Tasks;

/// <summary>The registered Cake tasks, so a consumer can chain onto them (dependencies, criteria, descriptions).</summary>
public sealed record EcsDeployTaskBuilders(
    CakeTaskBuilder BackupTaskDefinition,
    CakeTaskBuilder RenderTaskDefinition,
    CakeTaskBuilder DeployService,
    CakeTaskBuilder VerifyEndpoint,
    CakeTaskBuilder Rollback,
    CakeTaskBuilder Deploy);

/// <summary>
/// Registers the deploy tasks on a Cake script's engine. In <c>build.cake</c>:
/// <code>
/// #r "path/to/Cake.EcsDeploy.dll"
/// var ecs = Cake.EcsDeploy.Tasks.EcsDeployTasks.Register(Task);
/// RunTarget(Argument("target", "Deploy"));
/// </code>
/// The graph: Deploy depends on Backup → Render → DeployService → VerifyEndpoint, then Rollback. DeployService,
/// VerifyEndpoint and Rollback record their failures (Cake error handlers) instead of stopping the build; Rollback
/// runs only when the service was changed and something failed; Deploy turns the outcome into the build result.
/// Rollback does not depend on the others, so <c>--target=Rollback</c> alone runs nothing else.
/// </summary>
public static class EcsDeployTasks
{
    /// <summary>Registers the six tasks with settings read from the script's arguments.</summary>
    /// <param name="task">The script's <c>Task</c> method (the engine is not visible to scripts).</param>
    /// <param name="createRun">Creates the run from the Cake context on first use; the default reads Cake arguments and environment.</param>
    public static EcsDeployTaskBuilders Register(Func<string, CakeTaskBuilder> task, Func<ICakeContext, EcsDeployRun>? createRun = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        createRun ??= CreateRunFromArguments;
        EcsDeployRun? run = null;
        EcsDeployRun Run(ICakeContext context) => run ??= createRun(context);

        CakeTaskBuilder Add(EcsDeployTask step)
        {
            var builder = task(step.Name)
                .Description(step.Description)
                .WithCriteria(context => step.ShouldRun(Run(context)), step.SkipReason)
                .Does(context => step.RunAsync(Run(context)));
            return step.RecordsErrors ? builder.OnError((exception, context) => step.OnError(exception, Run(context))) : builder;
        }

        var backup = Add(new BackupTaskDefinition());
        var render = Add(new RenderTaskDefinition()).IsDependentOn(backup);
        var deployService = Add(new DeployService()).IsDependentOn(render);
        var verify = Add(new VerifyEndpoint()).IsDependentOn(deployService);
        var rollback = Add(new Rollback());
        var deploy = Add(new Deploy()).IsDependentOn(verify).IsDependentOn(rollback)
            .Finally(() => run?.Dispose());

        return new EcsDeployTaskBuilders(backup, render, deployService, verify, rollback, deploy);
    }

    /// <summary>The default run: settings from Cake arguments, progress to Cake's log, validated for the target.</summary>
    public static EcsDeployRun CreateRunFromArguments(ICakeContext context)
    {
        var run = CreateRunFromArgumentsUnvalidated(context);
        run.ValidateFor(ReadArgument(context.Arguments, "target") ?? nameof(Deploy));
        return run;
    }

    /// <summary>A run with settings from Cake arguments (malformed ones rejected), not yet checked for a target.</summary>
    public static EcsDeployRun CreateRunFromArgumentsUnvalidated(ICakeContext context)
    {
        var settings = EcsDeploySettingsReader.Read(name => ReadArgument(context.Arguments, name));
        // A relative --artifacts is relative to Cake's working directory, as every Cake path is.
        settings = settings with { ArtifactsDirectory = Path.GetFullPath(settings.ArtifactsDirectory, context.Environment.WorkingDirectory.FullPath) };
        return new EcsDeployRun(settings, new CakeDeployLog(context.Log), context.Environment.GetEnvironmentVariable);
    }

    // Cake keeps every value of a repeated argument; the last one wins. A bare --flag has an empty value.
    private static string? ReadArgument(ICakeArguments arguments, string name) =>
        arguments.HasArgument(name) ? arguments.GetArguments(name).LastOrDefault() ?? "" : null;
}
