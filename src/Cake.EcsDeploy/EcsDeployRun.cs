using Cake.EcsDeploy.Artifacts;
using Cake.EcsDeploy.Deployments;
using Cake.EcsDeploy.Ecs;
using Cake.EcsDeploy.Reporting;
using Cake.EcsDeploy.TaskDefinitions;
using Cake.EcsDeploy.Verification;

namespace Cake.EcsDeploy;

/// <summary>
/// Everything one deploy run shares: its settings (inputs), its state (what it learned) and the services that talk
/// to ECS and the load balancer. Free of Cake, so any host (the script runner, Frosting, a test) can drive the tasks.
/// </summary>
public sealed class EcsDeployRun : IDisposable
{
    private readonly Func<string, string?> _environment;
    private readonly Func<EcsConnection, IEcsClient>? _clientFactory;
    private IEcsClient? _ecs;
    private HttpClient? _http;

    /// <summary>Creates a run.</summary>
    /// <param name="settings">The inputs.</param>
    /// <param name="log">Where progress goes.</param>
    /// <param name="environment">Environment variable lookup (AWS_REGION, AWS_ENDPOINT_URL_ECS, credentials).</param>
    /// <param name="timeProvider">The clock for waits and retries.</param>
    /// <param name="clientFactory">Creates the ECS client; the default is <see cref="EcsClient"/>.</param>
    /// <param name="target">The target the run was started for (<c>Deploy</c>, <c>Rollback</c>, a single step); decides what a failure does.</param>
    public EcsDeployRun(EcsDeploySettings settings, IDeployLog log, Func<string, string?> environment, TimeProvider? timeProvider = null, Func<EcsConnection, IEcsClient>? clientFactory = null, string target = "Deploy")
    {
        Settings = settings;
        Log = log;
        _environment = environment;
        Time = timeProvider ?? TimeProvider.System;
        _clientFactory = clientFactory;
        Target = target;
        Artifacts = new DeployArtifacts(settings.ArtifactsDirectory);
        StartedAt = Time.GetUtcNow();
    }

    /// <summary>Where each setting came from, when read from arguments, environment and settings file (for Plan).</summary>
    public EcsDeploySettingsSources? SettingsSources { get; init; }

    /// <summary>
    /// A team's own check that replaces the HTTP verification (of the new release, and again after a rollback); with
    /// it, <c>--verify-url</c> is not needed.
    /// </summary>
    public Func<EcsDeployRun, VerificationStage, Task<VerificationResult>>? CustomVerification { get; set; }

    /// <summary>Verifies the service: the team's own check when there is one, else the endpoint with <paramref name="options"/>.</summary>
    public Task<VerificationResult> VerifyAsync(VerificationStage stage, Func<VerificationOptions> options) =>
        CustomVerification is { } custom ? custom(this, stage) : Verifier.VerifyAsync(options());

    /// <summary>The target the run was started for.</summary>
    public string Target { get; }

    /// <summary>Whether the run was started for <paramref name="task"/>; Cake matches target names ignoring case, and so do we.</summary>
    public bool IsTarget(string task) => string.Equals(Target, task, StringComparison.OrdinalIgnoreCase);

    /// <summary>When the run started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The inputs.</summary>
    public EcsDeploySettings Settings { get; }

    /// <summary>What the run has learned.</summary>
    public EcsDeployState State { get; } = new();

    /// <summary>Where progress goes.</summary>
    public IDeployLog Log { get; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>The artifacts folder.</summary>
    public DeployArtifacts Artifacts { get; }

    /// <summary>The ECS client, created on first use (so bad input fails before any connection is resolved).</summary>
    public IEcsClient Ecs => _ecs ??= _clientFactory is null
        ? new EcsClient(Connection(), Log, timeProvider: Time)
        : _clientFactory(Connection());

    /// <summary>Registers task definitions without duplicates.</summary>
    public TaskDefinitionRegistrar Registrar => new(Ecs, Log, Time);

    /// <summary>Watches deployments.</summary>
    public DeploymentWaiter Waiter => new(Ecs, Log, Time);

    /// <summary>Verifies the endpoint.</summary>
    public EndpointVerifier Verifier => new(_http ??= new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, Log, Time);

    /// <summary>
    /// Checks that the settings hold what <paramref name="target"/> needs, so a missing or malformed argument fails
    /// before the first call to ECS rather than halfway through.
    /// </summary>
    public void ValidateFor(string target)
    {
        // Cake matches target names ignoring case.
        string[] steps = [nameof(Tasks.Plan), nameof(Tasks.Rollback), nameof(Tasks.BackupTaskDefinition), nameof(Tasks.RenderTaskDefinition)];
        target = steps.FirstOrDefault(step => string.Equals(step, target, StringComparison.OrdinalIgnoreCase)) ?? target;
        if (target == nameof(Tasks.Plan))
        {
            Settings.RequireCluster();
            Settings.RequireService();
            ImageReference.Validate(Settings.RequireImage());
            return;
        }

        if (target == nameof(Tasks.Rollback))
        {
            // A manual rollback may take cluster and service from the backup it restores; --rollback-to needs them given.
            if (Settings.RollbackTo is not null)
            {
                Settings.RequireCluster();
                Settings.RequireService();
            }

            if (CustomVerification is null)
            {
                Settings.RequireVerification();
            }

            return;
        }

        Settings.RequireCluster();
        Settings.RequireService();
        switch (target)
        {
            case nameof(Tasks.BackupTaskDefinition):
                break;
            case nameof(Tasks.RenderTaskDefinition):
                ImageReference.Validate(Settings.RequireImage());
                break;
            default:
                ImageReference.Validate(Settings.RequireImage());
                if (CustomVerification is null)
                {
                    Settings.RequireVerification().ForRelease(Settings.Image);
                }

                break;
        }
    }

    /// <summary>An environment variable as the run sees it (e.g. <c>GITHUB_ACTIONS</c>), or null when it is not set.</summary>
    public string? EnvironmentVariable(string name) => _environment(name);

    /// <summary>Adds a moment to the report's timeline.</summary>
    public void Mark(string step, string message) => State.Mark(Time.GetUtcNow(), step, message);

    /// <summary>
    /// Saves where the deploy stands to <c>state.json</c>, so that a killed run can be noticed and undone later.
    /// Does nothing before a backup exists (nothing in ECS has changed yet).
    /// </summary>
    public void SaveProgress(string phase)
    {
        if (State.Backup is not { } backup)
        {
            return;
        }

        // Until the run ends it is in progress, even after a failure: the rollback may be about to run, or be killed.
        var outcome = phase == "finished" ? State.Outcome : DeployOutcome.Pending;
        Artifacts.WriteProgress(new DeployProgress(backup.Cluster, backup.Service, State.ManualRollback ? null : Settings.Image,
            backup.TaskDefinitionArn, State.NewTaskDefinitionArn, State.ServiceChanged, phase, DeployOutcomes.Name(outcome),
            StartedAt, Time.GetUtcNow()));
    }

    private EcsConnection Connection() => EcsConnection.Resolve(Settings.EcsEndpoint, Settings.Region, _environment);

    /// <inheritdoc />
    public void Dispose()
    {
        (_ecs as IDisposable)?.Dispose();
        _http?.Dispose();
    }
}
