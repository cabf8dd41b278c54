using System.Runtime.ExceptionServices;
using Cake.Core;
using Cake.EcsDeploy.Verification;

namespace Cake.EcsDeploy.Tasks;

/// <summary>The registered Cake tasks, so a consumer can chain onto them (dependencies, criteria, descriptions).</summary>
public sealed record EcsDeployTaskBuilders(
    CakeTaskBuilder BackupTaskDefinition,
    CakeTaskBuilder RenderTaskDefinition,
    CakeTaskBuilder DeployService,
    CakeTaskBuilder VerifyEndpoint,
    CakeTaskBuilder Rollback,
    CakeTaskBuilder Deploy,
    CakeTaskBuilder Plan);

/// <summary>
/// Registers the deploy tasks on a Cake script's engine. In <c>build.cake</c>:
/// <code>
/// #r "path/to/Cake.EcsDeploy.dll"
/// var ecs = Cake.EcsDeploy.Tasks.EcsDeployTasks.Register(Task);
/// EcsDeployTasks.RunTarget(RunTarget, Argument("target", "Deploy"));
/// </code>
/// The graph: Deploy depends on Backup → Render → DeployService → VerifyEndpoint, then Rollback. Each step records its
/// failure (Cake error handlers) instead of stopping the build, and later steps are skipped; Rollback runs only when
/// the service was changed and something failed; Deploy turns the outcome into report.json and the build result.
/// Rollback does not depend on the others, so <c>--target=Rollback</c> alone runs nothing else. Plan stands alone too.
/// </summary>
public static class EcsDeployTasks
{
    /// <summary>Registers the six tasks with settings read from the script's arguments, environment and settings file.</summary>
    /// <param name="task">The script's <c>Task</c> method (the engine is not visible to scripts).</param>
    /// <param name="createRun">Creates the run from the Cake context on first use; the default is <see cref="CreateRunFromArguments"/>.</param>
    /// <param name="verify">
    /// A team's own check that replaces the HTTP verification, run for the new release and again after a rollback
    /// (then <c>--verify-url</c> is not needed). Return a failed <see cref="VerificationResult"/> (or throw) to roll back:
    /// <code>
    /// EcsDeployTasks.Register(Task, verify: (context, stage) =>
    ///     StartProcess("./smoke-test.sh") == 0 ? new(true, "smoke tests passed", []) : new(false, "smoke tests failed", []));
    /// </code>
    /// </param>
    public static EcsDeployTaskBuilders Register(Func<string, CakeTaskBuilder> task, Func<ICakeContext, EcsDeployRun>? createRun = null,
        Func<ICakeContext, VerificationStage, VerificationResult>? verify = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (verify is not null)
        {
            // The check must be in place before the settings are validated: it makes --verify-url optional.
            var create = createRun;
            createRun = context =>
            {
                var run = create is null ? CreateRunFromArgumentsUnvalidated(context) : create(context);
                run.CustomVerification = (_, stage) => Task.FromResult(verify(context, stage));
                if (create is null)
                {
                    run.ValidateFor(run.Target);
                }

                return run;
            };
        }

        createRun ??= CreateRunFromArguments;
        EcsDeployRun? run = null;
        EcsDeployRun Run(ICakeContext context) => run ??= CreateOrRecordInputError(context, createRun);

        CakeTaskBuilder Add(EcsDeployTask step)
        {
            // The target itself always runs: a step run alone (--target=DeployService) must fail the build when it
            // cannot do its work, rather than be skipped; inside Deploy, failures are recorded and reported at the end.
            var builder = task(step.Name)
                .Description(step.Description)
                .WithCriteria(context => step.ShouldRun(Run(context)) || Run(context).IsTarget(step.Name), step.SkipReason)
                .Does(context =>
                {
                    var current = Run(context);
                    if (current.IsTarget(step.Name) && !step.ReportsOutcome && current.State.Failure is { } failure)
                    {
                        throw new EcsDeployStepException(failure);
                    }

                    return step.RunAsync(current);
                });
            return !step.RecordsErrors ? builder : builder.OnError((exception, context) =>
            {
                var current = Run(context);
                if (exception is not EcsDeployOutcomeException)
                {
                    step.OnError(exception, current);
                }

                if (current.IsTarget(step.Name))
                {
                    ExceptionDispatchInfo.Throw(exception);
                }
            });
        }

        var backup = Add(new BackupTaskDefinition());
        var render = Add(new RenderTaskDefinition()).IsDependentOn(backup);
        var deployService = Add(new DeployService()).IsDependentOn(render);
        var verifyEndpoint = Add(new VerifyEndpoint()).IsDependentOn(deployService);
        var rollback = Add(new Rollback());
        var deploy = Add(new Deploy()).IsDependentOn(verifyEndpoint).IsDependentOn(rollback)
            .Finally(() => run?.Dispose());
        rollback.Finally(() =>
        {
            if (run?.IsTarget(nameof(Rollback)) == true)
            {
                run.Dispose();
            }
        });

        var plan = Add(new Plan()).Finally(() =>
        {
            if (run?.IsTarget(nameof(Plan)) == true)
            {
                run.Dispose();
            }
        });

        return new EcsDeployTaskBuilders(backup, render, deployService, verifyEndpoint, rollback, deploy, plan);
    }

    /// <summary>
    /// Runs a target like the script's <c>RunTarget</c>, but lets the process exit with the deploy's outcome code
    /// (0 deployed, 1 error, 2 invalid input, 3 rolled back, 4 rollback failed) instead of Cake's 1 for any failure:
    /// <code>EcsDeployTasks.RunTarget(RunTarget, Argument("target", "Deploy"));</code>
    /// </summary>
    public static CakeReport RunTarget(Func<string, CakeReport> runTarget, string target)
    {
        ArgumentNullException.ThrowIfNull(runTarget);
        try
        {
            return runTarget(target);
        }
        catch (CakeReportException e) when (e.InnerException is EcsDeployOutcomeException outcome)
        {
            // Cake's runner exits with the thrown CakeException's code; RunTarget wrapped ours in a report exception with code 1.
            throw new CakeException(outcome.ExitCode, outcome.Message);
        }
    }

    /// <summary>
    /// The default run: settings from Cake arguments, ECS_DEPLOY_* environment variables and the settings file (in
    /// that order), progress to Cake's log, validated for the target.
    /// </summary>
    public static EcsDeployRun CreateRunFromArguments(ICakeContext context)
    {
        var run = CreateRunFromArgumentsUnvalidated(context);
        run.ValidateFor(run.Target);
        return run;
    }

    /// <summary>A run with settings read (malformed ones rejected), not yet checked for its target.</summary>
    public static EcsDeployRun CreateRunFromArgumentsUnvalidated(ICakeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var workingDirectory = context.Environment.WorkingDirectory.FullPath;
        var sources = EcsDeploySettingsSources.Create(name => ReadArgument(context.Arguments, name), context.Environment.GetEnvironmentVariable, workingDirectory);
        var settings = EcsDeploySettingsReader.Read(sources.Get);
        // A relative --artifacts is relative to Cake's working directory, as every Cake path is.
        settings = settings with { ArtifactsDirectory = Path.GetFullPath(settings.ArtifactsDirectory, workingDirectory) };
        return new EcsDeployRun(settings, new CakeDeployLog(context.Log), context.Environment.GetEnvironmentVariable, target: TargetOf(context))
        {
            SettingsSources = sources,
        };
    }

    // Bad input must still end in the Deploy target's report and exit code, so it becomes the run's first failure
    // rather than an exception out of the first task's criteria.
    private static EcsDeployRun CreateOrRecordInputError(ICakeContext context, Func<ICakeContext, EcsDeployRun> createRun)
    {
        try
        {
            return createRun(context);
        }
        catch (EcsDeployInputException e)
        {
            // Where the report goes, and what it names, from whatever sources can still be read.
            var workingDirectory = context.Environment.WorkingDirectory.FullPath;
            Func<string, string?> setting = name => ReadArgument(context.Arguments, name);
            try
            {
                setting = EcsDeploySettingsSources.Create(setting, context.Environment.GetEnvironmentVariable, workingDirectory).Get;
            }
            catch (EcsDeployInputException)
            {
                // The settings file itself is what is wrong: arguments only.
            }

            var artifacts = setting("artifacts") is { Length: > 0 } given ? given : new EcsDeploySettings().ArtifactsDirectory;
            var settings = new EcsDeploySettings
            {
                ArtifactsDirectory = Path.GetFullPath(artifacts, workingDirectory),
                Cluster = setting("cluster"),
                Service = setting("service"),
            };
            var run = new EcsDeployRun(settings, new CakeDeployLog(context.Log), context.Environment.GetEnvironmentVariable, target: TargetOf(context));
            run.State.RecordFailure("arguments", e.Message, isInput: true);
            run.Mark("arguments", "invalid input: " + e.Message);
            run.Log.Error(e.Message);
            return run;
        }
    }

    private static string TargetOf(ICakeContext context) => ReadArgument(context.Arguments, "target") is { Length: > 0 } target ? target : nameof(Deploy);

    // Cake keeps every value of a repeated argument; the last one wins. A bare --flag has an empty value.
    private static string? ReadArgument(ICakeArguments arguments, string name) =>
        arguments.HasArgument(name) ? arguments.GetArguments(name).LastOrDefault() ?? "" : null;
}
