SELECT file_name, sha256, loaded_at FROM quality.loaded_files WHERE feed = $feed
