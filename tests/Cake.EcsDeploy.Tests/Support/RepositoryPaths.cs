using System.Reflection;

namespace Cake.EcsDeploy.Tests.Support;

/// <summary>Where things are in this repository, seen from the test's build output.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release, as this test assembly was built.</summary>
    public static string Configuration { get; } =
        typeof(RepositoryPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string LocalEcsDll => Path.Combine(Root, "src", "LocalEcs", "bin", Configuration, "net10.0", "LocalEcs.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cake.EcsDeploy.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Cake.EcsDeploy.slnx) above " + AppContext.BaseDirectory);
    }
}
