using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace Apig.Cert.Loader
{
    /// <summary>The only file that touches AssemblyLoadContext, so Windows PowerShell never has to compile it.</summary>
    internal static class CoreClrResolver
    {
        private const string EngineAssemblyName = "Apig.Cert.Engine";
        private static DependencyLoadContext? s_loadContext;

        public static void Register(string dependencyDirectory)
        {
            s_loadContext ??= new DependencyLoadContext(dependencyDirectory);
            AssemblyLoadContext.Default.Resolving += ResolveEngine;
        }

        public static void Unregister() => AssemblyLoadContext.Default.Resolving -= ResolveEngine;

        public static string LoadContextNameOf(Assembly assembly) =>
            AssemblyLoadContext.GetLoadContext(assembly)?.ToString() ?? "?";

        // Load by path: LoadFromAssemblyName would fall back to Default when the file is missing, which raises this
        // event again and recurses until the process dies of a stack overflow.
        private static Assembly? ResolveEngine(AssemblyLoadContext defaultContext, AssemblyName name)
        {
            if (!string.Equals(name.Name, EngineAssemblyName, StringComparison.Ordinal) || s_loadContext is null)
            {
                return null;
            }

            string path = Path.Combine(s_loadContext.Directory, EngineAssemblyName + ".dll");
            return File.Exists(path) ? s_loadContext.LoadFromAssemblyPath(path) : null;
        }
    }

    internal sealed class DependencyLoadContext : AssemblyLoadContext
    {
        private readonly object _gate = new object();
        private Dictionary<string, string>? _hostAssemblyPaths;

        public string Directory { get; }

        public DependencyLoadContext(string directory)
        {
            Directory = directory;
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name is null)
            {
                return null;
            }

            // Share the host's copy (the framework and pwsh's own packages) when it is at least as new as ours, so there
            // is one System.Memory and one System.Text.Json in the process; otherwise load ours from Dependencies/.
            Version? hostVersion = HostVersionOf(assemblyName.Name);
            if (hostVersion != null && (assemblyName.Version is null || hostVersion >= assemblyName.Version))
            {
                return null;
            }

            string path = Path.Combine(Directory, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }

        public override string ToString() => "Apig.Cert.Dependencies";

        // Only the asked-for file is opened: reading the version of all ~200 platform assemblies up front would cost
        // Import-Module tens of milliseconds for nothing.
        private Version? HostVersionOf(string simpleName)
        {
            Dictionary<string, string> paths;
            lock (_gate)
            {
                paths = _hostAssemblyPaths ??= IndexPlatformAssemblies();
            }

            if (!paths.TryGetValue(simpleName, out string? hostPath))
            {
                return null;
            }

            try
            {
                return AssemblyName.GetAssemblyName(hostPath).Version;
            }
            catch (Exception ex) when (ex is BadImageFormatException || ex is FileLoadException || ex is IOException)
            {
                return null;
            }
        }

        private static Dictionary<string, string> IndexPlatformAssemblies()
        {
            var index = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            string platform = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
            foreach (string path in platform.Split(Path.PathSeparator))
            {
                if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                {
                    index[Path.GetFileNameWithoutExtension(path)] = path;
                }
            }

            return index;
        }
    }
}
