-- AlterTable
ALTER TABLE "datasets" DROP COLUMN "data",
ADD COLUMN     "testData" BYTEA NOT NULL,
ADD COLUMN     "trainData" BYTEA NOT NULL,
ADD COLUMN     "viewShape" INTEGER[];

