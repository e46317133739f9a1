import CCrypto

/// SHA-256 digests of file contents, computed by the system's libcrypto.
public enum Checksum {
    /// The SHA-256 of `bytes` as 64 lowercase hex digits.
    public static func sha256(_ bytes: some Collection<UInt8>) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        let hashed: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            hash(buffer, into: &digest)
        }
        if hashed == nil {
            Array(bytes).withUnsafeBufferPointer { hash($0, into: &digest) }
        }
        return hex(digest)
    }

    /// The MD5 of `bytes` as 32 lowercase hex digits: what S3 reports for a single-part object,
    /// used only to check that an upload landed, never for integrity.
    public static func md5(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // An empty array may have no base address; EVP_Digest wants a pointer even for 0 bytes.
        let input = bytes.isEmpty ? [0] : bytes
        input.withUnsafeBufferPointer { buffer in
            _ = EVP_Digest(buffer.baseAddress, bytes.count, &digest, &length, EVP_md5(), nil)
        }
        return hex(Array(digest.prefix(Int(length))))
    }

    private static func hash(_ buffer: UnsafeBufferPointer<UInt8>, into digest: inout [UInt8]) {
        digest.withUnsafeMutableBufferPointer { out in
            // SHA256 accepts a null pointer only with length 0; an empty buffer may have no base address.
            var empty: UInt8 = 0
            if let base = buffer.baseAddress {
                _ = SHA256(base, buffer.count, out.baseAddress)
            } else {
                _ = SHA256(&empty, 0, out.baseAddress)
            }
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
