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
        private readonly Dictionary<string, Version> _hostAssemblies = new Dictionary<string, Version>(StringComparer.OrdinalIgnoreCase);

        public string Directory { get; }

        public DependencyLoadContext(string directory)
        {
            Directory = directory;
            // What the host already ships (the framework and pwsh's own packages). When the host's copy is at least as
            // new as ours we share it, so there is one System.Memory and one System.Text.Json in the process.
            string platform = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
            foreach (string path in platform.Split(Path.PathSeparator))
            {
                if (path.Length == 0)
                {
                    continue;
                }

                try
                {
                    AssemblyName assemblyName = AssemblyName.GetAssemblyName(path);
                    if (assemblyName.Name != null && assemblyName.Version != null)
                    {
                        _hostAssemblies[assemblyName.Name] = assemblyName.Version;
                    }
                }
                catch (BadImageFormatException)
                {
                }
                catch (FileLoadException)
                {
                }
            }
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name is null)
            {
                return null;
            }

            if (_hostAssemblies.TryGetValue(assemblyName.Name, out Version? hostVersion)
                && (assemblyName.Version is null || hostVersion >= assemblyName.Version))
            {
                return null;
            }

            string path = Path.Combine(Directory, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }

        public override string ToString() => "Apig.Cert.Dependencies";
    }
}
