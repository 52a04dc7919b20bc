"""Where the project's files live, resolved from the repository root so any working directory works."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB_DIR = ROOT / "db"
MODELS_DIR = ROOT / "models"
PROMPTS_DIR = ROOT / "prompts"
DEFAULT_DATABASE_FILE = DB_DIR / "customers.db"
DEFAULT_STATE_FILE = DB_DIR / "state.db"
DEFAULT_MODEL_FILE = MODELS_DIR / "recommender.keras"
MODEL_METADATA_FILE = MODELS_DIR / "recommender.json"
KNOWLEDGE_BASE_FILE = DB_DIR / "sample_queries.txt"
