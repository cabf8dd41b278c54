// Pack target: the addin as a NuGet package that another repository loads with one directive,
//   #addin nuget:?package=Cake.EcsDeploy&version=<version>
// ./build.sh --target=Pack [--package-version=1.2.3]  ->  artifacts/packages/Cake.EcsDeploy.<version>.nupkg
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;

Task("Pack")
    .Description("Packs the addin as artifacts/packages/Cake.EcsDeploy.<version>.nupkg (version from the csproj, or --package-version) and checks it is a loadable Cake addin.")
    .Does(() => PackAddin(Context, configuration));

void PackAddin(ICakeContext context, string configuration)
{
    const string project = "src/Cake.EcsDeploy/Cake.EcsDeploy.csproj";
    var version = context.Argument("package-version", "");
    if (version == "")
    {
        version = XDocument.Load(context.MakeAbsolute(context.File(project)).FullPath).Descendants("Version").Single().Value;
    }
    else if (!Regex.IsMatch(version, @"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$"))
    {
        throw new CakeException($"--package-version={version} is not a package version; pass one like 1.2.3 or 1.2.3-beta.1. Nothing was packed.");
    }

    var output = context.MakeAbsolute(context.Directory("artifacts/packages"));
    // Built apart from bin/ and obj/: this very Cake process has loaded the addin from bin/Release (#r), and a
    // different --package-version recompiles it; overwriting a loaded assembly in place is not safe on Linux.
    var scratch = context.MakeAbsolute(context.Directory("artifacts/pack"));
    context.DotNetPack(project, new DotNetPackSettings
    {
        Configuration = configuration,
        OutputDirectory = output,
        NoLogo = true,
        MSBuildSettings = new DotNetMSBuildSettings()
            .WithProperty("Version", version)
            .WithProperty("OutputPath", scratch.Combine("bin").FullPath + "/")
            .WithProperty("IntermediateOutputPath", scratch.Combine("obj").FullPath + "/"),
    });

    var package = output.CombineWithFilePath($"Cake.EcsDeploy.{version}.nupkg");
    var problems = AddinPackageProblems(package.FullPath, context.MakeAbsolute(context.File("src/Cake.EcsDeploy/THIRD-PARTY-NOTICES.md")).FullPath);
    if (problems.Count > 0)
    {
        throw new CakeException($"{package} is not a usable Cake addin package:\n  - {string.Join("\n  - ", problems)}");
    }

    context.Information($"Packed {package}");
    context.Information($"Use it from a folder feed: #addin nuget:?package=Cake.EcsDeploy&version={version}, with the feed in --nuget_source or NuGet.config (see samples/task-api-go).");
}

// What Cake's script runner and nuget.org need of an addin package, checked on the packed file itself.
List<string> AddinPackageProblems(string package, string noticesFile)
{
    var problems = new List<string>();
    using var zip = ZipFile.OpenRead(package);
    var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
    using var nuspecStream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
    var metadata = XDocument.Load(nuspecStream).Root.Elements().Single(e => e.Name.LocalName == "metadata");
    string Meta(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    if (Meta("id") != "Cake.EcsDeploy") problems.Add($"id is '{Meta("id")}', not Cake.EcsDeploy");
    if (!(Meta("tags") ?? "").Split(' ').Contains("cake-addin")) problems.Add("tags lack cake-addin (Cake's addin search lists packages by it)");
    if (Meta("license") != "MIT") problems.Add("no MIT license expression");
    foreach (var file in new[] { Meta("icon"), Meta("readme") })
    {
        if (file is null || !entries.Contains(file)) problems.Add($"icon or readme '{file}' missing from the package");
    }

    // Cake loads every assembly in lib/<tfm>: the addin, its XML docs, and the dependencies it carries.
    var lib = entries.Where(e => e.StartsWith("lib/net10.0/", StringComparison.Ordinal)).Select(e => e["lib/net10.0/".Length..]).ToList();
    foreach (var required in new[] { "Cake.EcsDeploy.dll", "Cake.EcsDeploy.xml", "AWSSDK.Core.dll", "Polly.Core.dll" })
    {
        if (!lib.Contains(required)) problems.Add($"lib/net10.0/{required} missing");
    }

    // The Cake runner brings its own Cake.Core and Cake.Common; a second copy, or a dependency on them, breaks loading.
    foreach (var cake in lib.Where(f => f.StartsWith("Cake.Core", StringComparison.Ordinal) || f.StartsWith("Cake.Common", StringComparison.Ordinal)))
    {
        problems.Add($"lib/net10.0/{cake} must not ship: the Cake runner brings its own");
    }

    var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")?.Value).ToList();
    if (dependencies.Count > 0)
    {
        problems.Add($"declares NuGet dependencies ({string.Join(", ", dependencies)}); they are carried in lib/ instead, so the package loads from a folder feed alone");
    }

    var notices = System.IO.File.ReadAllText(noticesFile);
    foreach (var bundled in lib.Where(f => f.EndsWith(".dll", StringComparison.Ordinal) && f != "Cake.EcsDeploy.dll"))
    {
        if (!notices.Contains(bundled, StringComparison.Ordinal)) problems.Add($"{bundled} is carried but not named in THIRD-PARTY-NOTICES.md (its licence must ship with it)");
    }

    if (!entries.Contains("THIRD-PARTY-NOTICES.md")) problems.Add("THIRD-PARTY-NOTICES.md missing from the package");
    return problems;
}
