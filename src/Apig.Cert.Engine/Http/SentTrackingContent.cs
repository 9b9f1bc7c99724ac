using System.IO;
using System.Net.Http;
using System.Threading.Tasks;

namespace Apig.Cert.Engine.Http
{
    /// <summary>A request body that notes when the handler starts writing it: before that, the server cannot have acted on it.</summary>
    internal sealed class SentTrackingContent : HttpContent
    {
        private readonly byte[] _bytes;
        private volatile bool _started;

        public SentTrackingContent(byte[] bytes)
        {
            _bytes = bytes;
        }

        public bool Started => _started;

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            _started = true;
            return stream.WriteAsync(_bytes, 0, _bytes.Length);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }
    }
}
