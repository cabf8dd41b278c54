using System.Text.Json.Nodes;
using Cake.EcsDeploy.TaskDefinitions;
using Cake.EcsDeploy.Tests.Support;
using EcsModel;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.Fidelity;

/// <summary>
/// Realistic task definitions (<c>tests/corpus/task-definitions</c>: secrets, FireLens, X-Ray, EFS, App Mesh, ARM64,
/// EC2/bridge...) through the real Backup and Render tasks against moto, checked with the AWS CLI and botocore's model:
/// a deploy must change the image and nothing else, whatever else the task definition holds.
/// </summary>
/// <remarks>
/// What moto 5.2.1 does to a registration, and how the tests treat it:
/// <list type="bullet">
/// <item>it adds defaults to the described form (each container's <c>cpu: 0</c>, <c>essential</c>, <c>portMappings</c>,
/// <c>environment</c>, <c>mountPoints</c>, <c>volumesFrom</c>; the task's <c>volumes</c>, <c>placementConstraints</c>,
/// <c>compatibilities</c>, <c>status</c>; an EFS volume's <c>rootDirectory: "/"</c>): the render keeps what describe
/// returned, so rendered is compared with described, and the corpus file only has to be contained in the render;</item>
/// <item>it forces <c>networkMode: awsvpc</c> for Fargate (every Fargate file here says awsvpc anyway);</item>
/// <item>it does not store <c>enableFaultInjection</c> at all (its RegisterTaskDefinition ignores the parameter), so no
/// render through moto can keep it: listed in <see cref="NotStoredByMoto"/>, asserted absent from moto's answer (so a
/// moto that starts storing it fails here, and the exemption goes), and covered by the renderer-only theory instead;</item>
/// <item>it returns no <c>registeredAt</c>/<c>registeredBy</c>, so there are no timestamps to compare;</item>
/// <item>on EC2 it wants <c>memory</c> per container unless the task has one (AWS also accepts <c>memoryReservation</c>),
/// so the EC2 corpus file sets task-level cpu/memory.</item>
/// </list>
/// </remarks>
public class TaskDefinitionCorpusTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private const string Cluster = "corpus";
    private const string NewImage = "123456789012.dkr.ecr.us-east-1.amazonaws.com/fidelity/deployed:2.0.0-rc.1";

    /// <summary>Members of DescribeTaskDefinition's taskDefinition that RegisterTaskDefinition has no parameter for.</summary>
    private static readonly string[] DescribeOnlyFields =
    [
        "taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
        "registeredAt", "registeredBy", "deregisteredAt", "deleteRequestedAt",
    ];

    /// <summary>Top-level request members moto 5.2.1 accepts but does not store (see the remarks).</summary>
    private static readonly string[] NotStoredByMoto = ["enableFaultInjection"];

    private static string CorpusDirectory => Path.Combine(RepositoryPaths.Root, "tests", "corpus", "task-definitions");

    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(CorpusDirectory, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            data.Add(file!);
        }

        return data;
    }

    private static JsonObject ReadCorpus(string file) => (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(CorpusDirectory, file)))!;

    private static JsonObject ReadJson(string path) => (JsonObject)JsonNode.Parse(File.ReadAllText(path))!;

    private static IEnumerable<JsonObject> Containers(JsonObject taskDefinition) =>
        taskDefinition["containerDefinitions"]!.AsArray().OfType<JsonObject>();

    /// <summary>The container a deploy targets: the only one, or the one named "app" (the corpus convention).</summary>
    private static string TargetContainer(JsonObject taskDefinition)
    {
        var names = Containers(taskDefinition).Select(c => (string)c["name"]!).ToList();
        return names.Count == 1 ? names[0] : names.Single(n => n == "app");
    }

    private static JsonObject Container(JsonObject taskDefinition, string name) => Containers(taskDefinition).Single(c => (string?)c["name"] == name);

    /// <summary>
    /// Every member of <paramref name="expected"/> is in <paramref name="actual"/> with a value containing it (objects
    /// recursively, arrays element by element and of the same length, scalars equal); returns the differences.
    /// </summary>
    private static List<string> NotContained(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected)
        {
            case JsonObject e when actual is JsonObject a:
                return [.. e.SelectMany(p => a.ContainsKey(p.Key) ? NotContained(p.Value, a[p.Key], $"{path}.{p.Key}") : [$"{path}.{p.Key}: missing"])];
            case JsonArray e when actual is JsonArray a && a.Count == e.Count:
                return [.. e.SelectMany((item, i) => NotContained(item, a[i], $"{path}[{i}]"))];
            default:
                return JsonNode.DeepEquals(expected, actual) ? [] : [$"{path}: expected {expected?.ToJsonString() ?? "null"}, got {actual?.ToJsonString() ?? "null"}"];
        }
    }

    /// <summary>What <c>aws ecs describe-task-definition --include TAGS</c> prints: the task definition and its tags.</summary>
    private async Task<(JsonObject TaskDefinition, JsonArray Tags)> DescribeAsync(string arn)
    {
        var answer = (await moto.Cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", arn, "--include", "TAGS"))!;
        return ((JsonObject)answer["taskDefinition"]!.DeepClone(), answer["tags"]?.DeepClone().AsArray() ?? []);
    }

    private async Task<string> RegisterAsync(JsonObject request)
    {
        var file = Path.Combine(Path.GetTempPath(), $"corpus-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, request.ToJsonString());
        try
        {
            var registered = await moto.Cli.JsonAsync("ecs", "register-task-definition", "--cli-input-json", "file://" + file);
            return (string)registered!["taskDefinition"]!["taskDefinitionArn"]!;
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_corpus_covers_the_task_definition_features_a_deploy_must_carry_over()
    {
        var files = Directory.EnumerateFiles(CorpusDirectory, "*.json").ToList();
        files.Count.ShouldBeInRange(8, 12);
        var all = files.Select(f => JsonNode.Parse(File.ReadAllText(f))!.ToJsonString()).ToList();
        string[] features =
        [
            "\"secrets\"", "arn:aws:ssm:", "arn:aws:secretsmanager:", "\"awslogs-group\"", "\"secretOptions\"", "\"healthCheck\"",
            "\"firelensConfiguration\"", "aws-xray-daemon", "\"efsVolumeConfiguration\"", "\"transitEncryption\"", "\"authorizationConfig\"",
            "\"runtimePlatform\"", "\"ARM64\"", "\"ephemeralStorage\"", "\"enableFaultInjection\"", "\"proxyConfiguration\"", "\"APPMESH\"",
            "\"dependsOn\"", "\"ulimits\"", "\"linuxParameters\"", "\"capabilities\"", "\"initProcessEnabled\"", "\"dockerLabels\"",
            "\"tags\"", "\"placementConstraints\"", "\"memoryReservation\"", "\"bridge\"", "planted-env-value-",
        ];
        features.Where(f => !all.Any(json => json.Contains(f, StringComparison.Ordinal))).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Every_corpus_file_is_a_valid_RegisterTaskDefinition_request_for_botocore(string file)
    {
        var violations = BotocoreEcsModel.LoadInstalled().ValidateRequest("RegisterTaskDefinition", File.ReadAllText(Path.Combine(CorpusDirectory, file)));

        violations.ShouldBeEmpty(string.Join("\n", violations));
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Rendering_a_corpus_file_as_ECS_would_describe_it_changes_only_the_image(string file)
    {
        // No emulator in between: the corpus file plus what real ECS adds on describe, so members moto drops
        // (enableFaultInjection) are covered too.
        var request = ReadCorpus(file);
        var described = (JsonObject)request.DeepClone();
        var tags = described["tags"]?.DeepClone().AsArray();
        described.Remove("tags");
        described["taskDefinitionArn"] = $"arn:aws:ecs:us-east-1:123456789012:task-definition/{request["family"]}:7";
        described["revision"] = 7;
        described["status"] = "ACTIVE";
        described["compatibilities"] = new JsonArray("EC2", "FARGATE");
        described["requiresAttributes"] = new JsonArray(new JsonObject { ["name"] = "com.amazonaws.ecs.capability.docker-remote-api.1.18" });
        described["registeredAt"] = 1718000000.123;
        described["registeredBy"] = "arn:aws:sts::123456789012:assumed-role/deployer/ci";
        var target = TargetContainer(request);

        var rendered = TaskDefinitionRenderer.Render(described, tags, NewImage, target);

        rendered.Container.ShouldBe(target);
        rendered.PreviousImage.ShouldBe((string)Container(request, target)["image"]!);
        Container(rendered.Request, target)["image"]!.GetValue<string>().ShouldBe(NewImage);
        Container(rendered.Request, target)["image"] = rendered.PreviousImage;
        JsonNode.DeepEquals(rendered.Request, request).ShouldBeTrue($"rendered (image set back):\n{rendered.Request}\ncorpus file:\n{request}");
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public async Task Backup_and_render_against_moto_keep_every_field_but_the_image_and_moto_accepts_the_result(string file)
    {
        // Register the corpus file under a family of its own, and run a settled service on it (desired count 0: moto
        // reports a deployment COMPLETED only when it has nothing to run).
        var request = ReadCorpus(file);
        var family = $"{(string)request["family"]!}-{Guid.NewGuid().ToString("N")[..8]}";
        request["family"] = family;
        var arn = await RegisterAsync(request);
        await moto.Cli.JsonAsync("ecs", "create-cluster", "--cluster-name", Cluster);
        await moto.Cli.JsonAsync("ecs", "create-service", "--cluster", Cluster, "--service-name", family, "--task-definition", arn, "--desired-count", "0");
        var target = TargetContainer(request);
        var artifacts = Directory.CreateTempSubdirectory("ecs-deploy-corpus-").FullName;
        var arguments = new Dictionary<string, string>
        {
            ["ecs-endpoint"] = moto.Url,
            ["region"] = "us-east-1",
            ["cluster"] = Cluster,
            ["service"] = family,
            ["image"] = NewImage,
            ["artifacts"] = artifacts,
        };
        if (Containers(request).Count() > 1)
        {
            arguments["container"] = target;
        }

        var run = await CakeHost.RunTargetAsync("RenderTaskDefinition", arguments);

        run.Succeeded.ShouldBeTrue(run.Log);
        var (described, tags) = await DescribeAsync(arn);
        var backup = ReadJson(Path.Combine(artifacts, "task-definition.json.old"));
        JsonNode.DeepEquals(backup, described).ShouldBeTrue($"backup:\n{backup}\naws ecs describe-task-definition:\n{described}");

        // Rendered = described minus what only describe returns, plus the revision's tags, with the new image.
        var renderedFile = Path.Combine(artifacts, "task-definition.json");
        var rendered = ReadJson(renderedFile);
        Container(rendered, target)["image"]!.GetValue<string>().ShouldBe(NewImage);
        Containers(rendered).Where(c => (string?)c["name"] != target)
            .Select(c => (string?)c["image"])
            .ShouldBe(Containers(described).Where(c => (string?)c["name"] != target).Select(c => (string?)c["image"]), "only the chosen container's image changes");
        var expected = (JsonObject)described.DeepClone();
        foreach (var field in DescribeOnlyFields)
        {
            expected.Remove(field);
        }

        if (tags.Count > 0)
        {
            expected["tags"] = tags.DeepClone();
        }

        var imageSetBack = (JsonObject)rendered.DeepClone();
        Container(imageSetBack, target)["image"] = Container(described, target)["image"]!.DeepClone();
        JsonNode.DeepEquals(imageSetBack, expected).ShouldBeTrue($"rendered (image set back):\n{imageSetBack}\ndescribed minus describe-only fields:\n{expected}");

        // Every member of the registration request is in the render with its value, but what moto does not store.
        var original = (JsonObject)request.DeepClone();
        Container(original, target)["image"] = NewImage;
        foreach (var dropped in NotStoredByMoto.Where(original.ContainsKey))
        {
            described.ContainsKey(dropped).ShouldBeFalse($"moto now stores {dropped}; remove it from NotStoredByMoto");
            original.Remove(dropped);
        }

        NotContained(original, rendered, "$").ShouldBeEmpty($"members of {file} the render lost or changed");

        var violations = BotocoreEcsModel.LoadInstalled().ValidateRequest("RegisterTaskDefinition", await File.ReadAllTextAsync(renderedFile));
        violations.ShouldBeEmpty(string.Join("\n", violations));

        // Neither environment values nor secret references reach the log.
        var planted = Containers(request).SelectMany(c => c["environment"]?.AsArray() ?? [])
            .Select(e => (string?)e!["value"]).Where(v => v is not null && v.StartsWith("planted-env-value-", StringComparison.Ordinal)).ToList();
        var secretRefs = Containers(request).SelectMany(c => c["secrets"]?.AsArray() ?? []).Select(s => (string?)s!["valueFrom"]).ToList();
        foreach (var value in planted.Concat(secretRefs))
        {
            rendered.ToJsonString().ShouldContain(value!, Case.Sensitive, "the value went through the render");
            run.Log.ShouldNotContain(value!, Case.Sensitive);
        }

        // moto registers the render as the next revision, equal to the old one but for the image.
        var newArn = await moto.Cli.JsonAsync("ecs", "register-task-definition", "--cli-input-json", "file://" + renderedFile);
        var next = (JsonObject)newArn!["taskDefinition"]!;
        ((string)next["taskDefinitionArn"]!).ShouldEndWith($"task-definition/{family}:2");
        var (after, afterTags) = await DescribeAsync((string)next["taskDefinitionArn"]!);
        Container(after, target)["image"] = Container(described, target)["image"]!.DeepClone();
        foreach (var field in new[] { "taskDefinitionArn", "revision" })
        {
            after.Remove(field);
            described.Remove(field);
        }

        JsonNode.DeepEquals(after, described).ShouldBeTrue($"new revision (image set back):\n{after}\nold revision:\n{described}");
        JsonNode.DeepEquals(afterTags, tags).ShouldBeTrue($"the new revision's tags {afterTags} vs the old {tags}");
    }
}
