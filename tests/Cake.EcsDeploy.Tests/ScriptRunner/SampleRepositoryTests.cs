using System.Text.RegularExpressions;
using Cake.EcsDeploy.Tests.Support;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.ScriptRunner;

/// <summary>
/// The reuse promise, as a second team lives it: `./build.sh --target=Pack` here, then samples/task-api-go (a
/// service repository of its own, copied somewhere fresh: no tools/, no Cake addin cache) runs its own
/// `./build.sh --target=Deploy`, loading Cake.EcsDeploy from the packed nupkg and nothing else, against LocalEcs.
/// </summary>
public sealed class SampleRepositoryTests(LocalEcsServer localEcs, SampleRepositoryTests.PackedAddin packed)
    : IClassFixture<LocalEcsServer>, IClassFixture<SampleRepositoryTests.PackedAddin>, IDisposable
{
    private const string Cluster = "sample";
    private static readonly string Sample = Path.Combine(RepositoryPaths.Root, "samples", "task-api-go");
    private readonly List<string> _copies = [];

    /// <summary>Packs the addin once for the class, the way a person does: the repository's own build.sh.</summary>
    public sealed class PackedAddin : IAsyncLifetime
    {
        public string Feed { get; private set; } = "";

        public string Version { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var result = await ChildProcess.RunAsync("bash", [Path.Combine(RepositoryPaths.Root, "build.sh"), "--target=Pack", $"--configuration={RepositoryPaths.Configuration}"],
                timeout: TimeSpan.FromMinutes(5));
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"./build.sh --target=Pack exited {result.ExitCode}:\n{result.Output}");
            }

            var output = Regex.Replace(result.StandardOutput, @"\x1b\[[0-9;]*m", ""); // Cake colours its log even into a pipe
            var package = Regex.Match(output, @"Packed (\S+\.nupkg)").Groups[1].Value;
            File.Exists(package).ShouldBeTrue($"Pack did not say where the package is:\n{result.Output}");
            Feed = Path.GetDirectoryName(package)!;
            Version = Path.GetFileNameWithoutExtension(package)["Cake.EcsDeploy.".Length..];
        }

        public Task DisposeAsync() => Task.CompletedTask;
    }

    [Fact]
    public void The_sample_loads_the_addin_only_from_the_package_this_repository_packs()
    {
        var script = File.ReadAllText(Path.Combine(Sample, "build.cake"));

        script.ShouldNotContain("#r ");
        script.ShouldNotContain("#load");
        Directory.EnumerateFiles(Sample, "*.csproj", SearchOption.AllDirectories).ShouldBeEmpty();
        var addin = Regex.Match(script, @"^#addin nuget:\?package=Cake\.EcsDeploy&version=(\S+)$", RegexOptions.Multiline);
        addin.Success.ShouldBeTrue("build.cake should load the addin with #addin nuget:?package=Cake.EcsDeploy&version=...");
        addin.Groups[1].Value.ShouldBe(packed.Version,
            "samples/task-api-go/build.cake pins another version than ./build.sh --target=Pack produces; bump its #addin directive");
    }

    [Fact]
    public async Task Sample_deploys_a_healthy_image_with_its_own_steps_around_the_library_and_exits_zero()
    {
        var before = await localEcs.Cli.SeedServiceAsync(Cluster, "sample-good", "repo/task-api-go:1.0.0");
        var repository = CopySample();

        var result = await DeployAsync(repository, "sample-good", "repo/task-api-go:1.1.0");

        result.ExitCode.ShouldBe(0, result.Output);
        var after = await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "sample-good");
        after.ShouldNotBe(before);
        var running = (await localEcs.Cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", after))!;
        running["taskDefinition"]!["containerDefinitions"]![0]!["image"]!.GetValue<string>().ShouldBe("repo/task-api-go:1.1.0");

        // The team's Migrate ran after the backup and before the service changed; its Notify after Deploy.
        var output = result.StandardOutput;
        output.IndexOf("Backed up", StringComparison.Ordinal).ShouldBeLessThan(output.IndexOf("Migrate: applying", StringComparison.Ordinal), output);
        output.IndexOf("Migrate: applying", StringComparison.Ordinal).ShouldBeLessThan(output.IndexOf("Registered ", StringComparison.Ordinal), output);
        output.IndexOf("DEPLOYED:", StringComparison.Ordinal).ShouldBeLessThan(output.IndexOf("Notify: task-api-go deployed and verified.", StringComparison.Ordinal), output);
        File.Exists(Path.Combine(repository, "artifacts", "ecs-deploy", "task-definition.json.old")).ShouldBeTrue();
        ShouldHaveInstalledOnlyThePackage(repository);
    }

    [Fact]
    public async Task Sample_with_an_unhealthy_image_exits_non_zero_notifies_and_leaves_the_service_on_its_original_revision()
    {
        var before = await localEcs.Cli.SeedServiceAsync(Cluster, "sample-bad", "repo/task-api-go:1.0.0");
        var repository = CopySample();

        var result = await DeployAsync(repository, "sample-bad", "repo/task-api-go:1.1.0-unhealthy");

        result.ExitCode.ShouldNotBe(0, result.Output);
        result.Output.ShouldContain("ROLLED BACK");
        result.StandardOutput.ShouldContain("Notify: task-api-go deploy FAILED");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "sample-bad")).ShouldBe(before);
        ShouldHaveInstalledOnlyThePackage(repository);
    }

    public void Dispose()
    {
        foreach (var copy in _copies)
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    /// <summary>The sample as a fresh clone of its own repository would be: no tools/ (Cake and its addin cache), no artifacts/.</summary>
    private string CopySample()
    {
        var target = Directory.CreateTempSubdirectory("ecs-sample-repo-").FullName;
        _copies.Add(target);
        foreach (var file in Directory.EnumerateFiles(Sample, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Sample, file);
            if (relative.StartsWith("tools" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.StartsWith("artifacts" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }

        return target;
    }

    // The sample's settings file names the real-looking defaults; the test's service and LocalEcs come as arguments,
    // which take precedence over the file.
    private async Task<ChildProcess.Result> DeployAsync(string repository, string service, string image) =>
        await ChildProcess.RunAsync("bash",
        [
            Path.Combine(repository, "build.sh"), "--target=Deploy",
            $"--cluster={Cluster}", $"--service={service}", $"--image={image}",
            $"--verify-url={localEcs.Url}/lb/{Cluster}/{service}/leo", $"--ecs-endpoint={localEcs.Url}",
            "--poll-interval=100ms", "--verify-interval=50ms", "--verify-retry-delay=50ms", "--verify-deadline=3s",
        ], SampleEnvironment(repository), workingDirectory: repository, timeout: TimeSpan.FromMinutes(4));

    private Dictionary<string, string> SampleEnvironment(string repository)
    {
        var environment = new Dictionary<string, string>(AwsCli.Environment)
        {
            ["ECS_DEPLOY_FEED"] = packed.Feed,
            ["NUGET_PACKAGES"] = IsolatedGlobalPackagesFolder(repository),
        };
        return environment;
    }

    // A global packages folder of the sample's own, holding only the Cake tool: NuGet looks there before any feed, so
    // the shared one could hand Cake a stale Cake.EcsDeploy of the same version, or AWSSDK.Core and Polly.Core the
    // package must carry itself.
    private static string IsolatedGlobalPackagesFolder(string repository)
    {
        var folder = Path.Combine(repository, ".nuget-packages");
        Directory.CreateDirectory(folder);
        var shared = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        if (Directory.Exists(Path.Combine(shared, "cake.tool")))
        {
            Directory.CreateSymbolicLink(Path.Combine(folder, "cake.tool"), Path.Combine(shared, "cake.tool"));
        }

        return folder;
    }

    private void ShouldHaveInstalledOnlyThePackage(string repository)
    {
        var addins = Directory.GetDirectories(Path.Combine(repository, "tools", "Addins")).Select(Path.GetFileName).ToList();
        addins.ShouldBe([$"Cake.EcsDeploy.{packed.Version}"], "Cake should need no package but Cake.EcsDeploy (it carries its dependencies)");
        var lib = Path.Combine(repository, "tools", "Addins", $"Cake.EcsDeploy.{packed.Version}", "lib", "net10.0");
        File.Exists(Path.Combine(lib, "AWSSDK.Core.dll")).ShouldBeTrue();
        File.Exists(Path.Combine(lib, "Polly.Core.dll")).ShouldBeTrue();
        Directory.Exists(Path.Combine(repository, ".nuget-packages", "cake.ecsdeploy")).ShouldBeFalse();
    }
}
